import { MAX_JITTER_BUFFER_MS } from "../index";

/** The text of `sipcast --help`: every flag, with its default. */
export const HELP = `sipcast — dial a SIP call and republish its audio and video live to RTMP/RTMPS

Usage:
  sipcast call --sip-login USER --sip-domain HOST --callee USER [options]
  sipcast -h, --help | -V, --version

SIP account:
  --sip-login USER                 user part of our address (sip:USER@DOMAIN)
  --sip-authentication-name NAME   digest user name (default: the login)
  --sip-password PASS              password; prefer the SIP_PASSWORD environment variable
                                   (a flag is visible to other users in the process list)
  --sip-domain HOST                SIP domain / registrar
  --sip-port PORT                  registrar/proxy port (default 5060, 5061 for tls)
  --sip-outbound-proxy HOST[:PORT] send every request through this proxy
  --sip-transport udp|tcp|tls      (default udp)
  --sip-register-required true|false
                                   REGISTER before calling (default true); false calls at once,
                                   still answering 401/407 challenges
  --sip-register-expires SECONDS   registration lifetime (default 600)
  --sip-public-address ADDR        address written into Via, Contact and SDP (behind NAT)
  --sip-local-address ADDR         address to bind SIP and RTP sockets to (default 0.0.0.0)
  --sip-request-timeout SECONDS    give up on an unanswered request after this (default 32)
  --tls-allow-self-signed          accept a self-signed certificate over tls
  --sip-auth-host HOST[:PORT]      also answer 401/407 challenges from this host (repeatable or
                                   comma-separated; without a port: any port). By default the
                                   password only answers challenges to requests for the domain
                                   and the outbound proxy; a callee elsewhere that challenges
                                   gets nothing and the call ends AUTHENTICATION_FAILED
  --dns-server ADDR[:PORT]         DNS server for finding the domain's SIP servers (repeatable or
                                   comma-separated; default: the system's). Without --sip-port the
                                   domain is looked up as RFC 3263 says: NAPTR, SRV (priority,
                                   weight), then A/AAAA; a server that does not answer (or answers
                                   503) gives way to the next
  --srtp off|offered|required      SDES-SRTP media encryption (default: offered over tls, off
                                   otherwise). offered: plain RTP when the peer has no SRTP;
                                   required: such a call fails with SRTP_REFUSED
  --srtp-over-insecure-transport   allow --srtp offered/required over udp/tcp, where the keys
                                   in the SDP can be read on the way (default: refused)

Call:
  --callee USER|USER@HOST|sip:URI  who to call
  --call-id ID                     id for the call (default: a random UUID)
  --has-audio true|false           offer audio (default true)
  --has-video true|false           offer video (default true)
  --duration SECONDS               hang up (BYE) this long after the answer (default: until the
                                   peer hangs up, or SIGINT/SIGTERM)

Republishing (starts when the call is answered):
  --rtmp-url URL                   rtmp://host[:port]/app or rtmps://…
  --rtmp-stream NAME               stream name / key, appended to the URL
  --rtmp-retries N                 restarts of an output that fails (backoff 1 s doubling to 30 s)
                                   before it is given up; with no output left the call ends
                                   FAILED (default 2; 0 = none)
  --rtmps-allow-self-signed        do not check the RTMPS server's certificate (default: checked)
  --record PATH                    also record the call to PATH: fragmented MP4, or Matroska for
                                   .mkv (never overwrites: an existing name gets -2, -3, …)
  --slate-image PATH               picture published as the video of a call without video
                                   (default: black)
  --send-video-slate PATH|black    send this picture (or black) as video to the callee
  --ffmpeg PATH                    ffmpeg binary (default: FFMPEG_PATH, then ffmpeg-static, then PATH)

Watching in a browser (WebRTC, WHEP; from the answer on, no RTMP server needed):
  --to-stream NAME                 make the call watchable under NAME (1-64 of A-Z a-z 0-9 . _ ~ -)
  --whep-listen IPV4:PORT          serve WHEP at http://IPV4:PORT/sipcast/whep/NAME and a player
                                   page at http://IPV4:PORT/sipcast/play/NAME (printed on stderr);
                                   media goes out on IPV4's interface (0.0.0.0: every interface).
                                   SIPCAST_WHEP_TOKEN in the environment requires that bearer
                                   token (the page takes it as #token=…); without it: no auth
  --whep-public-address IPV4       address put in the answer for browsers behind NAT
  --whep-port-range MIN-MAX        UDP ports for the viewers' media (default: any free port)

Media:
  --rtp-port-range MIN-MAX         UDP ports for RTP/RTCP (default 10000-20000)
  --rtp-source-check signalled|learn
                                   whose RTP/RTCP the call takes (default signalled): signalled =
                                   only from the address in the callee's SDP (any port), so that
                                   nobody else can take the call's media or hear its DTMF; learn =
                                   from the first source that sends 4 in-sequence packets, for a
                                   callee behind NAT whose SDP has a private address (a third
                                   party that reaches the port first would win the media)
  --rtp-timeout SECONDS            hang up (BYE, FAILED_BY_RTP_ACTIVITY) after this long without
                                   RTP from the peer; not counted while on HOLD (default 30; 0 = off)
  --jitter-buffer-ms N             per received stream, wait up to N ms for a missing RTP packet
                                   before giving it up as lost; in-order packets are never delayed
                                   (default 50; 0 = off; at most ${MAX_JITTER_BUFFER_MS})

Audio to the callee (instead of silence, once answered):
  --play-audio FILE                play this audio file (WAV, MP3, … anything ffmpeg reads),
                                   encoded to the call's PCMU, PCMA, G722 or opus; RFC 4733 DTMF
                                   interrupts it, and it pauses while the callee holds the call
  --play-audio-loop true|false     repeat the file until the call ends (default false)

DTMF (sent once the call is answered):
  --dtmf DIGITS                    keys to send: 0-9 * # A-D, and , for a 500 ms pause (e.g. "1234#");
                                   at most 64, pauses included. {prompt} waits until the callee's
                                   IVR has spoken and gone quiet, {reply} for its reaction, {joined}
                                   for the meeting's media (a re-prompt fails it; {joined:60:retry=1}
                                   sends the keys once more); :N sets a wait's timeout in seconds.
                                   E.g. "{prompt}311705123#{prompt}4321#{joined}"; lines "ivr ..."
                                   on stderr report each wait (docs/ivr-join.md)
  --dtmf-type RFC2833|INFO         RFC 4733 events in the audio stream, or SIP INFO
                                   application/dtmf-relay (default RFC2833)
  --dtmf-delay-ms N                wait this long after ESTABLISHED before the first key (default 0)

Limits (the call is refused, naming the limit, beyond one):
  --max-calls N                    calls up at once (default 50; 1-10000)
  --max-outputs-per-call N         outputs (RTMP targets and recordings, one ffmpeg each) a call
                                   may run at once (default 4; 1-64)
  --call-starts-per-second N       new calls accepted within any one second (default 10; 1-1000)

Output:
  --json                           one JSON object per state change on stdout
                                   (callId, status, sipStatus, sipMessage, reason, …)
  -v, --verbose                    SIP and ffmpeg diagnostics on stderr, with every SDP offer
                                   and answer ([sip.sdp], SRTP keys shown as inline:***)

States: TRYING, RING, SESSION_PROGRESS, ESTABLISHED, HOLD, BUSY, FAILED, FINISH.
Exit status: 0 when the call was answered and ended normally; 1 when it failed, was busy or
was never answered; 2 for a usage error.
`;
