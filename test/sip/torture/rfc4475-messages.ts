/**
 * The parser torture messages of RFC 4475 §3.1.1 (valid) and §3.1.2 (invalid), as test fixtures.
 *
 * @remarks
 * Transcribed from the RFC's text with its conventions undone: lines end in CRLF, `<allOneLine>`
 * parts are joined, `<repeat count=N>` parts are repeated, `<hex>` and escaped octets are real bytes
 * (built with Buffer). mpart01's S/MIME signature is a stand-in binary blob of the RFC's size: what
 * matters to a parser is that the body holds arbitrary octets (CR, LF, NUL, bytes ≥ 0x80).
 * The messages keep the RFC's host names; a test that sends them must keep the answers on loopback.
 */

/** One RFC 4475 message. */
export interface TortureMessage {
  /** The RFC's short name, e.g. "wsinv". */
  name: string;
  /** Its section, e.g. "3.1.1.1". */
  section: string;
  /** Whether the RFC calls it well formed (§3.1.1) or not (§3.1.2). */
  valid: boolean;
  /** What the RFC says about it, in a few words. */
  about: string;
  bytes: Buffer;
}

type Part = string | Buffer;

/** Joins lines with CRLF; a line may mix text and raw bytes. */
function lines(...parts: Part[][]): Buffer {
  const out: Buffer[] = [];
  for (const line of parts) {
    for (const p of line) out.push(typeof p === "string" ? Buffer.from(p, "utf8") : p);
    out.push(Buffer.from("\r\n"));
  }
  return Buffer.concat(out);
}

/** A message whose head is the given lines, then a blank line, then `body` (no extra CRLF). */
function message(head: Part[][], body: Part = ""): Buffer {
  return Buffer.concat([lines(...head), Buffer.from("\r\n"), typeof body === "string" ? Buffer.from(body, "utf8") : body]);
}

const L = (...p: Part[]): Part[] => p;
const rep = (s: string, n: number): string => s.repeat(n);
const hex = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ""), "hex");

/**
 * The RFC's SDP body (audio 0 12, video 31 LPC) for `ip`, `length` bytes long: the session name
 * is padded so the body matches the Content-Length the RFC's message declares.
 */
function sdp(ip: string, length = 150, origin = "mhandley 29739 7272939"): string {
  const build = (name: string): string =>
    [`v=0`, `o=${origin} IN IP4 ${ip}`, `s=${name}`, `c=IN IP4 ${ip}`, `t=0 0`, `m=audio 49217 RTP/AVP 0 12`, `m=video 3227 RTP/AVP 31`, `a=rtpmap:31 LPC`, ``].join("\r\n");
  const short = build("-");
  return build("-".repeat(Math.max(1, 1 + length - short.length)));
}

const valid: TortureMessage[] = [
  {
    name: "wsinv",
    section: "3.1.1.1",
    valid: true,
    about: "short tortuous INVITE: folding, LWS around colons, compact and long names mixed, leading zeros",
    bytes: message(
      [
        L("INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0"),
        L("TO :"),
        L(" sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n"),
        L('from   : "J Rosenberg \\\\\\""       <sip:jdrosen@example.com>'),
        L("  ;"),
        L("  tag = 98asjd8"),
        L("MaX-fOrWaRdS: 0068"),
        L("Call-ID: wsinv.ndaksdj@192.0.2.1"),
        L("Content-Length   : 150"),
        L("cseq: 0009"),
        L("  INVITE"),
        L("Via  : SIP  /   2.0"),
        L(" /UDP"),
        L("    192.0.2.2;branch=390skdjuw"),
        L("s :"),
        L("NewFangledHeader:   newfangled value"),
        L(" continued newfangled value"),
        L("UnknownHeaderWithUnusualValue: ;;,,;;,;"),
        L("Content-Type: application/sdp"),
        L("Route:"),
        L(" <sip:services.example.com;lr;unknownwith=value;unknown-no-value>"),
        L("v:  SIP  / 2.0  / TCP     spindle.example.com   ;"),
        L("  branch  =   z9hG4bK9ikj8  ,"),
        L(" SIP  /    2.0   / UDP  192.168.255.111   ; branch="),
        L(" z9hG4bK30239"),
        L('m:"Quoted string \\"\\"" <sip:jdrosen@example.com> ; newparam ='),
        L("      newvalue ;"),
        L("  secondparam ; q = 0.33"),
      ],
      sdp("192.0.2.3").replace("c=IN IP4 192.0.2.3", "c=IN IP4 192.0.2.4"),
    ),
  },
  {
    name: "intmeth",
    section: "3.1.1.2",
    valid: true,
    about: "unknown method of all token characters, quoted NUL/BEL/DEL, UTF-8 parameter and header values",
    bytes: message([
      L("!interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0"),
      L("Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~"),
      L('To: "BEL:\\', Buffer.from([0x07]), " NUL:\\", Buffer.from([0x00]), " DEL:\\", Buffer.from([0x7f]), '" <sip:1_unusual.URI~(to-be!sure)&isn\'t+it$/crazy?,/;;*@example.com>'),
      L("From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%=\"работающий\";tag=_token~1'+`*%!-."),
      L("Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{"),
      L("CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~"),
      L("Max-Forwards: 255"),
      L("extensionHeader-!.%*+_`'~:", hex("efbbbf e5a4a7 e5819c e99bbb")),
      L("Content-Length: 0"),
    ]),
  },
  {
    name: "esc01",
    section: "3.1.1.3",
    valid: true,
    about: "valid %-escapes in Request-URI, To, From and Contact",
    bytes: message(
      [
        L("INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0"),
        L("To: sip:%75se%72@example.com"),
        L("From: <sip:I%20have%20spaces@example.net>;tag=938"),
        L("Max-Forwards: 87"),
        L("i: esc01.239409asdfakjkn23onasd0-3234"),
        L("CSeq: 234234 INVITE"),
        L("Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKkdjuw"),
        L("C: application/sdp"),
        L("Contact:"),
        L("  <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>"),
        L("Content-Length: 150"),
      ],
      sdp("192.0.2.1"),
    ),
  },
  {
    name: "escnull",
    section: "3.1.1.4",
    valid: true,
    about: "escaped NULs (%00) in URIs",
    bytes: message([
      L("REGISTER sip:example.com SIP/2.0"),
      L("To: sip:null-%00-null@example.com"),
      L("From: sip:null-%00-null@example.com;tag=839923423"),
      L("Max-Forwards: 70"),
      L("Call-ID: escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd"),
      L("CSeq: 14398234 REGISTER"),
      L("Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw"),
      L("Contact: <sip:%00@host5.example.com>"),
      L("Contact: <sip:%00%00@host5.example.com>"),
      L("L:0"),
    ]),
  },
  {
    name: "esc02",
    section: "3.1.1.5",
    valid: true,
    about: "% that is not an escape: method RE%47IST%45R is unknown, C%6Fntact is an extension header",
    bytes: message([
      L("RE%47IST%45R sip:registrar.example.com SIP/2.0"),
      L('To: "%Z%45" <sip:resource@example.com>'),
      L('From: "%Z%45" <sip:resource@example.com>;tag=f232jadfj23'),
      L("Call-ID: esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf"),
      L("Via: SIP/2.0/TCP host.example.com;branch=z9hG4bK209%fzsnel234"),
      L("CSeq: 29344 RE%47IST%45R"),
      L("Max-Forwards: 70"),
      L("Contact: <sip:alias1@host1.example.com>"),
      L("C%6Fntact: <sip:alias2@host2.example.com>"),
      L("Contact: <sip:alias3@host3.example.com>"),
      L("l: 0"),
    ]),
  },
  {
    name: "lwsdisp",
    section: "3.1.1.6",
    valid: true,
    about: "no LWS between display name and <",
    bytes: message([
      L("OPTIONS sip:user@example.com SIP/2.0"),
      L("To: sip:user@example.com"),
      L("From: caller<sip:caller@example.com>;tag=323"),
      L("Max-Forwards: 70"),
      L("Call-ID: lwsdisp.1234abcd@funky.example.com"),
      L("CSeq: 60 OPTIONS"),
      L("Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw"),
      L("l: 0"),
    ]),
  },
  {
    name: "longreq",
    section: "3.1.1.7",
    valid: true,
    about: "very long values in header fields, URI parameters and 34 Via values",
    bytes: message(
      [
        L("INVITE sip:user@example.com SIP/2.0"),
        L(
          `To: "I have a user name of ${rep("extreme", 10)} proportion"<sip:user@example.com:6000;unknownparam1=very${rep("long", 20)}value;longparam${rep("name", 25)}=shortvalue;very${rep("long", 25)}ParameterNameWithNoValue>`,
        ),
        L(
          `F: sip:${rep("amazinglylongcallername", 5)}@example.net;tag=12${rep("982", 50)}424;unknownheaderparam${rep("name", 20)}=unknowheaderparam${rep("value", 15)};unknownValueless${rep("paramname", 10)}`,
        ),
        L(`Call-ID: longreq.one${rep("really", 20)}longcallid`),
        L("CSeq: 3882340 INVITE"),
        L(
          `Unknown-${rep("Long", 20)}-Name: unknown-${rep("long", 20)}-value; unknown-${rep("long", 20)}-parameter-name = unknown-${rep("long", 20)}-parameter-value`,
        ),
        L(`Via: SIP/2.0/TCP sip33.example.com;branch=z9hG4bK${rep("longbranch", 25)}`),
        ...Array.from({ length: 32 }, (_, i) => L(`${["v", "V", "Via"][i % 3]}: SIP/2.0/TCP sip${32 - i}.example.com`)),
        L("Max-Forwards: 70"),
        L(`Contact: <sip:${rep("amazinglylongcallername", 5)}@host5.example.net>`),
        L("Content-Type: application/sdp"),
        L("l: 150"),
      ],
      sdp("192.0.2.1"),
    ),
  },
  {
    name: "dblreq",
    section: "3.1.1.8",
    valid: true,
    about: "a whole second request after the first's Content-Length in one UDP datagram: the extra octets are ignored",
    bytes: Buffer.concat([
      message([
        L("REGISTER sip:example.com SIP/2.0"),
        L("To: sip:j.user@example.com"),
        L("From: sip:j.user@example.com;tag=43251j3j324"),
        L("Max-Forwards: 8"),
        L("I: dblreq.0ha0isndaksdj99sdfafnl3lk233412"),
        L("Contact: sip:j.user@host.example.com"),
        L("CSeq: 8 REGISTER"),
        L("Via: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKkdjuw23492"),
        L("Content-Length: 0"),
      ]),
      Buffer.from("\r\n"),
      message(
        [
          L("INVITE sip:joe@example.com SIP/2.0"),
          L("t: sip:joe@example.com"),
          L("From: sip:caller@example.net;tag=141334"),
          L("Max-Forwards: 8"),
          L("Call-ID: dblreq.0ha0isnda977644900765@192.0.2.15"),
          L("CSeq: 8 INVITE"),
          L("Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw380234"),
          L("Content-Type: application/sdp"),
          L("Content-Length: 150"),
        ],
        sdp("192.0.2.15", 150, "- 2987933 2987933"),
      ),
    ]),
  },
  {
    name: "semiuri",
    section: "3.1.1.9",
    valid: true,
    about: "semicolon-separated parameters in the Request-URI user part; folded Accept",
    bytes: message([
      L("OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0"),
      L("To: sip:j_user@example.com"),
      L("From: sip:caller@example.org;tag=33242"),
      L("Max-Forwards: 3"),
      L("Call-ID: semiuri.0ha0isndaksdj"),
      L("CSeq: 8 OPTIONS"),
      L("Accept: application/sdp, application/pkcs7-mime,"),
      L("        multipart/mixed, multipart/signed,"),
      L("        message/sip, message/sipfrag"),
      L("Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw"),
      L("l: 0"),
    ]),
  },
  {
    name: "transports",
    section: "3.1.1.10",
    valid: true,
    about: "Via values with UDP, SCTP, TLS, an unknown transport and TCP",
    bytes: message([
      L("OPTIONS sip:user@example.com SIP/2.0"),
      L("To: sip:user@example.com"),
      L("From: <sip:caller@example.com>;tag=323"),
      L("Max-Forwards: 70"),
      L("Call-ID:  transports.kijh4akdnaqjkwendsasfdj"),
      L("Accept: application/sdp"),
      L("CSeq: 60 OPTIONS"),
      L("Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw"),
      L("Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf"),
      L("Via: SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj"),
      L("Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en"),
      L("Via: SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee"),
      L("l: 0"),
    ]),
  },
  (() => {
    // The RFC's body is a multipart with a text part and a binary signature; its octets include
    // CR, LF, NUL and bytes ≥ 0x80 — which is what a parser must survive.
    const blob = Buffer.alloc(256);
    for (let i = 0; i < blob.length; i++) blob[i] = (i * 167 + 13) & 0xff;
    const body = Buffer.concat([
      Buffer.from("--7a9cbec02ceef655\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n\r\nHello\r\n"),
      Buffer.from("--7a9cbec02ceef655\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n"),
      blob,
      Buffer.from("\r\n--7a9cbec02ceef655--\r\n"),
    ]);
    return {
      name: "mpart01",
      section: "3.1.1.11",
      valid: true,
      about: "multipart MIME body with binary octets",
      bytes: message(
        [
          L("MESSAGE sip:kumiko@example.org SIP/2.0"),
          L("Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-;rport"),
          L("Max-Forwards: 70"),
          L("Route: <sip:127.0.0.1:5080;lr>"),
          L("Identity: r5mwreLuyDRYBi/0TiPwEsY3rEVsk/G2WxhgTV1PF7hHuLIK0YWVKZhKv9Mj8UeXqkMVbnVq37CD+813gvYjcBUaZngQmXc9WNZSDNGCzA+fWl9MEUHWIZo1CeJebdY/XlgKeTa0Olvq0rt70Q5jiSfbqMJmQFteeivUhkMWYUA="),
          L("Contact: <sip:fluffy@127.0.0.1:5070>"),
          L("To: <sip:kumiko@example.org>"),
          L("From: <sip:fluffy@example.com>;tag=2fb0dcc9"),
          L("Call-ID: 3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA.."),
          L("CSeq: 1 MESSAGE"),
          L("Content-Transfer-Encoding: binary"),
          L("Content-Type: multipart/mixed;boundary=7a9cbec02ceef655"),
          L("Date: Sat, 15 Oct 2005 04:44:56 GMT"),
          L("User-Agent: SIPimp.org/0.2.5 (curses)"),
          L(`Content-Length: ${body.length}`),
        ],
        body,
      ),
    };
  })(),
  {
    name: "unreason",
    section: "3.1.1.12",
    valid: true,
    about: "response whose reason phrase has non-ASCII UTF-8 and punctuation",
    bytes: message(
      [
        L("SIP/2.0 200 = 2**3 * 5**2 но сто девяносто девять - простое"),
        L("Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923"),
        L("Call-ID: unreason.1234ksdfak3j2erwedfsASdf"),
        L("CSeq: 35 INVITE"),
        L("From: sip:user@example.com;tag=11141343"),
        L("To: sip:user@example.edu;tag=2229"),
        L("Content-Length: 154"),
        L("Content-Type: application/sdp"),
        L("Contact: <sip:user@host198.example.com>"),
      ],
      sdp("192.0.2.198", 154),
    ),
  },
  {
    name: "noreason",
    section: "3.1.1.13",
    valid: true,
    about: "response with an empty reason phrase (status code followed by one SP)",
    bytes: message([
      L("SIP/2.0 100 "),
      L("Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe"),
      L("Call-ID: noreason.asndj203insdf99223ndf"),
      L("CSeq: 35 INVITE"),
      L("From: <sip:user@example.com>;tag=39ansfi3"),
      L("To: <sip:user@example.edu>;tag=902jndnke3"),
      L("Content-Length: 0"),
      L("Contact: <sip:user@host105.example.com>"),
    ]),
  },
];

const invalid: TortureMessage[] = [
  {
    name: "badinv01",
    section: "3.1.2.1",
    valid: false,
    about: "extraneous separators in Via (;;,;,,) and Contact (;;;;)",
    bytes: message(
      [
        L("INVITE sip:user@example.com SIP/2.0"),
        L("To: sip:j.user@example.com"),
        L("From: sip:caller@example.net;tag=134161461246"),
        L("Max-Forwards: 7"),
        L("Call-ID: badinv01.0ha0isndaksdjasdf3234nas"),
        L("CSeq: 8 INVITE"),
        L("Via: SIP/2.0/UDP 192.0.2.15;;,;,,"),
        L('Contact: "Joe" <sip:joe@example.org>;;;;'),
        L("Content-Length: 152"),
        L("Content-Type: application/sdp"),
      ],
      sdp("192.0.2.15", 152, "- 238540283 238540283"),
    ),
  },
  {
    name: "clerr",
    section: "3.1.2.2",
    valid: false,
    about: "Content-Length 9999, far larger than the datagram",
    bytes: message(
      [
        L("INVITE sip:user@example.com SIP/2.0"),
        L("Max-Forwards: 80"),
        L("To: sip:j.user@example.com"),
        L("From: sip:caller@example.net;tag=93942939o2"),
        L("Contact: <sip:caller@hungry.example.net>"),
        L("Call-ID: clerr.0ha0isndaksdjweiafasdk3"),
        L("CSeq: 8 INVITE"),
        L("Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bK-39234-23523"),
        L("Content-Type: application/sdp"),
        L("Content-Length: 9999"),
      ],
      sdp("192.0.2.155", 150, "- 9823904 9823904"),
    ),
  },
  {
    name: "ncl",
    section: "3.1.2.3",
    valid: false,
    about: "negative Content-Length",
    bytes: message(
      [
        L("INVITE sip:user@example.com SIP/2.0"),
        L("Max-Forwards: 254"),
        L("To: sip:j.user@example.com"),
        L("From: sip:caller@example.net;tag=32394234"),
        L("Call-ID: ncl.0ha0isndaksdj2193423r542w35"),
        L("CSeq: 0 INVITE"),
        L("Via: SIP/2.0/UDP 192.0.2.53;branch=z9hG4bKkdjuw"),
        L("Contact: <sip:caller@example53.example.net>"),
        L("Content-Type: application/sdp"),
        L("Content-Length: -999"),
      ],
      sdp("192.0.2.53", 150, "- 2987933615 2987933615"),
    ),
  },
  {
    name: "scalar02",
    section: "3.1.2.4",
    valid: false,
    about: "request scalars beyond their ranges: CSeq 2^65, Max-Forwards 300, huge Expires",
    bytes: message([
      L("REGISTER sip:example.com SIP/2.0"),
      L("Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bK342sdfoi3"),
      L("To: <sip:user@example.com>"),
      L("From: <sip:user@example.com>;tag=239232jh3"),
      L("CSeq: 36893488147419103232 REGISTER"),
      L("Call-ID: scalar02.23o0pd9vanlq3wnrlnewofjas9ui32"),
      L("Max-Forwards: 300"),
      L(`Expires: 1${rep("0", 100)}`),
      L("Contact: <sip:user@host129.example.com>;expires=280297596632815"),
      L("Content-Length: 0"),
    ]),
  },
  {
    name: "scalarlg",
    section: "3.1.2.5",
    valid: false,
    about: "response scalars beyond their ranges: CSeq, Retry-After, Warning code",
    bytes: message([
      L("SIP/2.0 503 Service Unavailable"),
      L("Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bKzzxdiwo34sw;received=192.0.2.129"),
      L("To: <sip:user@example.com>"),
      L("From: <sip:other@example.net>;tag=2easdjfejw"),
      L("CSeq: 9292394834772304023312 OPTIONS"),
      L("Call-ID: scalarlg.noase0of0234hn2qofoaf0232aewf2394r"),
      L("Retry-After: 949302838503028349304023988"),
      L('Warning: 1812 overture "In Progress"'),
      L("Content-Length: 0"),
    ]),
  },
  {
    name: "quotbal",
    section: "3.1.2.6",
    valid: false,
    about: "unterminated quoted string in the To display name",
    bytes: message(
      [
        L("INVITE sip:user@example.com SIP/2.0"),
        L('To: "Mr. J. User <sip:j.user@example.com>'),
        L("From: sip:caller@example.net;tag=93334"),
        L("Max-Forwards: 10"),
        L("Call-ID: quotbal.aksdj"),
        L("Contact: <sip:caller@host59.example.net>"),
        L("CSeq: 8 INVITE"),
        L("Via: SIP/2.0/UDP 192.0.2.59:5050;branch=z9hG4bKkdjuw39234"),
        L("Content-Type: application/sdp"),
        L("Content-Length: 152"),
      ],
      sdp("192.0.2.15", 152, "- 238540283 238540283"),
    ),
  },
  ...[
    ["ltgtruri", "3.1.2.7", "Request-URI enclosed in <>", "INVITE <sip:user@example.com> SIP/2.0", "ltgtruri.1@192.0.2.5", "192.0.2.5"],
    ["lwsruri", "3.1.2.8", "LWS inside the Request-URI", "INVITE sip:user@example.com; lr SIP/2.0", "lwsruri.asdfasdoeoi2323-asdfwrn23-asd834rk423", "192.0.2.25"],
    ["lwsstart", "3.1.2.9", "two SPs between Request-Line elements", "INVITE  sip:user@example.com  SIP/2.0", "lwsstart.dfknq234oi243099adsdfnawe3@example.com", "192.0.2.25"],
  ].map(
    ([name, section, about, requestLine, callId, ip]): TortureMessage => ({
      name,
      section,
      valid: false,
      about,
      bytes: message(
        [
          L(requestLine),
          L("To: sip:user@example.com"),
          L("From: sip:caller@example.net;tag=39291"),
          L("Max-Forwards: 23"),
          L(`Call-ID: ${callId}`),
          L("CSeq: 1 INVITE"),
          L(`Via: SIP/2.0/UDP ${ip};branch=z9hG4bKkdjuw`),
          L(`Contact: <sip:caller@host${ip.split(".")[3]}.example.net>`),
          L("Content-Type: application/sdp"),
          L("Content-Length: 150"),
        ],
        sdp(ip, 150, "- 1 1"),
      ),
    }),
  ),
  {
    name: "trws",
    section: "3.1.2.10",
    valid: false,
    about: "SP characters after SIP/2.0 at the end of the Request-Line",
    bytes: message([
      L("OPTIONS sip:remote-target@example.com SIP/2.0  "),
      L("Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK299342093"),
      L("To: <sip:remote-target@example.com>"),
      L("From: <sip:local-resource@example.com>;tag=329429089"),
      L("Call-ID: trws.oicu34958239neffasdhr2345r"),
      L("Accept: application/sdp"),
      L("CSeq: 238923 OPTIONS"),
      L("Max-Forwards: 70"),
      L("Content-Length: 0"),
    ]),
  },
  {
    name: "escruri",
    section: "3.1.2.11",
    valid: false,
    about: "escaped headers (?Route=) in a SIP Request-URI",
    bytes: message(
      [
        L("INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0"),
        L("To: sip:user@example.com"),
        L("From: sip:caller@example.net;tag=341518"),
        L("Max-Forwards: 7"),
        L("Contact: <sip:caller@host39923.example.net>"),
        L("Call-ID: escruri.23940-asdfhj-aje3br-234q098w-fawerh2q-h4n5"),
        L("CSeq: 149209342 INVITE"),
        L("Via: SIP/2.0/UDP host-of-the-hour.example.com;branch=z9hG4bKkdjuw"),
        L("Content-Type: application/sdp"),
        L("Content-Length: 150"),
      ],
      sdp("192.0.2.1"),
    ),
  },
  {
    name: "baddate",
    section: "3.1.2.12",
    valid: false,
    about: "Date with a non-GMT time zone",
    bytes: message(
      [
        L("INVITE sip:user@example.com SIP/2.0"),
        L("To: sip:user@example.com"),
        L("From: sip:caller@example.net;tag=2234923"),
        L("Max-Forwards: 70"),
        L("Call-ID: baddate.239423mnsadf3j23lj42--sedfnm234"),
        L("CSeq: 1392934 INVITE"),
        L("Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw"),
        L("Date: Fri, 01 Jan 2010 16:00:00 EST"),
        L("Contact: <sip:caller@host5.example.net>"),
        L("Content-Type: application/sdp"),
        L("Content-Length: 150"),
      ],
      sdp("192.0.2.5", 150, "- 3902934 3902934"),
    ),
  },
  {
    name: "regbadct",
    section: "3.1.2.13",
    valid: false,
    about: "REGISTER Contact with URI headers not enclosed in <>",
    bytes: message([
      L("REGISTER sip:example.com SIP/2.0"),
      L("To: sip:user@example.com"),
      L("From: sip:user@example.com;tag=998332"),
      L("Max-Forwards: 70"),
      L("Call-ID: regbadct.k345asrl3fdbv@10.0.0.1"),
      L("CSeq: 1 REGISTER"),
      L("Via: SIP/2.0/UDP 135.180.130.133:5060;branch=z9hG4bKkdjuw"),
      L("Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E"),
      L("l: 0"),
    ]),
  },
  {
    name: "badaspec",
    section: "3.1.2.14",
    valid: false,
    about: "spaces inside <> around an addr-spec",
    bytes: message([
      L("OPTIONS sip:user@example.org SIP/2.0"),
      L("Via: SIP/2.0/UDP host4.example.com:5060;branch=z9hG4bKkdju43234"),
      L("Max-Forwards: 70"),
      L('From: "Bell, Alexander" <sip:a.g.bell@example.com>;tag=433423'),
      L('To: "Watson, Thomas" < sip:t.watson@example.org >'),
      L("Call-ID: badaspec.sdf0234n2nds0a099u23h3hnnw009cdkne3"),
      L("Accept: application/sdp"),
      L("CSeq: 3923239 OPTIONS"),
      L("l: 0"),
    ]),
  },
  {
    name: "baddn",
    section: "3.1.2.15",
    valid: false,
    about: "unquoted display names with non-token characters (comma)",
    bytes: message([
      L("OPTIONS sip:t.watson@example.org SIP/2.0"),
      L("Via:     SIP/2.0/UDP c.example.com:5060;branch=z9hG4bKkdjuw"),
      L("Max-Forwards:      70"),
      L("From:    Bell, Alexander <sip:a.g.bell@example.com>;tag=43"),
      L("To:      Watson, Thomas <sip:t.watson@example.org>"),
      L("Call-ID: baddn.31415@c.example.com"),
      L("Accept: application/sdp"),
      L("CSeq:    3923239 OPTIONS"),
      L("l: 0"),
    ]),
  },
  {
    name: "badvers",
    section: "3.1.2.16",
    valid: false,
    about: "unknown protocol version SIP/7.0",
    bytes: message([
      L("OPTIONS sip:t.watson@example.org SIP/7.0"),
      L("Via:     SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw"),
      L("Max-Forwards:     70"),
      L("From:    A. Bell <sip:a.g.bell@example.com>;tag=qweoiqpe"),
      L("To:      T. Watson <sip:t.watson@example.org>"),
      L("Call-ID: badvers.31417@c.example.com"),
      L("CSeq:    1 OPTIONS"),
      L("l: 0"),
    ]),
  },
  {
    name: "mismatch01",
    section: "3.1.2.17",
    valid: false,
    about: "OPTIONS request with CSeq method INVITE",
    bytes: message([
      L("OPTIONS sip:user@example.com SIP/2.0"),
      L("To: sip:j.user@example.com"),
      L("From: sip:caller@example.net;tag=34525"),
      L("Max-Forwards: 6"),
      L("Call-ID: mismatch01.dj0234sxdfl3"),
      L("CSeq: 8 INVITE"),
      L("Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw"),
      L("l: 0"),
    ]),
  },
  {
    name: "mismatch02",
    section: "3.1.2.18",
    valid: false,
    about: "unknown method NEWMETHOD with CSeq method INVITE",
    bytes: message(
      [
        L("NEWMETHOD sip:user@example.com SIP/2.0"),
        L("To: sip:j.user@example.com"),
        L("From: sip:caller@example.net;tag=34525"),
        L("Max-Forwards: 6"),
        L("Call-ID: mismatch02.dj0234sxdfl3"),
        L("CSeq: 8 INVITE"),
        L("Contact: <sip:caller@host.example.net>"),
        L("Via: SIP/2.0/UDP host.example.net;branch=z9hG4bKkdjuw"),
        L("Content-Type: application/sdp"),
        L("l: 138"),
      ],
      ["v=0", "o=mhandley 29739 7272939 IN IP4 192.0.2.1", "c=IN IP4 192.0.2.1", "m=audio 49217 RTP/AVP 0 12", "m=video 3227 RTP/AVP 31", "a=rtpmap:31 LPC", ""].join("\r\n"),
    ),
  },
  {
    name: "bigcode",
    section: "3.1.2.19",
    valid: false,
    about: "response code 4294967301",
    bytes: message([
      L("SIP/2.0 4294967301 better not break the receiver"),
      L("Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe"),
      L("Call-ID: bigcode.asdof3uj203asdnf3429uasdhfas3ehjasdfas9i"),
      L("CSeq: 353494 INVITE"),
      L("From: <sip:user@example.com>;tag=39ansfi3"),
      L("To: <sip:user@example.edu>;tag=902jndnke3"),
      L("Content-Length: 0"),
      L("Contact: <sip:user@host105.example.com>"),
    ]),
  },
];

/** Every message of RFC 4475 §3.1.1 and §3.1.2, in the RFC's order. */
export const RFC4475_MESSAGES: readonly TortureMessage[] = [...valid, ...invalid];
