//! Vulnerabilities of libraries (Maven, npm, PyPI), runtimes, web servers and desktop applications.

use super::{Vuln, branches, each, range, v};
use ward_core::vuln::Event;

const LOG4J: (&str, &str) = (
    "org.apache.logging.log4j:log4j-core",
    "pkg:maven/org.apache.logging.log4j/log4j-core",
);
const TOMCAT: (&str, &str) = (
    "org.apache.tomcat.embed:tomcat-embed-core",
    "pkg:maven/org.apache.tomcat.embed/tomcat-embed-core",
);
const OPENSSL: &str = "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*";
const OPENSSH: &str = "cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*";

#[rustfmt::skip]
pub(super) fn vulns() -> Vec<Vuln> {
    vec![
        // ---- Java libraries ---------------------------------------------------------------------------
        v("CVE-2021-44228", (2021, 12, 10), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0)
            .ghsa("GHSA-jfh8-c2jp-5v3q")
            .cwe(&["CWE-20", "CWE-400", "CWE-502", "CWE-917"])
            .text("Log4j 2 remote code execution through JNDI lookups in logged data (Log4Shell)",
                "Log4j 2 expanded `${jndi:...}` lookups inside logged strings, so any attacker-controlled \
                 text that reached a log line (a header, a user name, a form field) could make the \
                 application load and run code from a remote server. 2.15.0 disabled the behaviour by \
                 default; 2.16.0 removed message lookups.")
            .pkg("Maven", LOG4J.0, LOG4J.1, &[("2.0-beta9", "2.3.1"), ("2.4", "2.12.2"), ("2.13.0", "2.15.0")])
            .kev("Apache", "Log4j2", (2021, 12, 10), (2021, 12, 24), true)
            .epss(0.944, 0.999),
        v("CVE-2021-45046", (2021, 12, 14), "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H", 9.0)
            .ghsa("GHSA-7rjr-3q55-vv33")
            .cwe(&["CWE-502", "CWE-917"])
            .text("Log4j 2.15.0 still allows lookups through Thread Context patterns",
                "The Log4Shell fix in 2.15.0 was incomplete: with non-default pattern layouts that use \
                 Thread Context (MDC) data, crafted input could still trigger lookups, leading to data \
                 leaks and in some environments code execution. Fixed in 2.16.0 (and 2.12.2, 2.3.1).")
            .pkg("Maven", LOG4J.0, LOG4J.1, &[("2.0-beta9", "2.3.1"), ("2.4", "2.12.2"), ("2.13.0", "2.16.0")])
            .kev("Apache", "Log4j2", (2023, 5, 1), (2023, 5, 22), true)
            .epss(0.941, 0.999),
        v("CVE-2021-45105", (2021, 12, 18), "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H", 5.9)
            .ghsa("GHSA-p6xc-xr62-6r2g")
            .cwe(&["CWE-20", "CWE-674"])
            .text("Log4j 2 denial of service through self-referencing lookups",
                "Log4j 2.16.0 and earlier did not stop recursive lookup evaluation, so crafted data in \
                 the Thread Context could exhaust the stack and crash the application. Fixed in 2.17.0 \
                 (and 2.12.3, 2.3.1).")
            .pkg("Maven", LOG4J.0, LOG4J.1, &[("2.0-alpha1", "2.3.1"), ("2.4", "2.12.3"), ("2.13.0", "2.17.0")])
            .epss(0.622, 0.98),
        v("CVE-2020-36518", (2022, 3, 11), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5)
            .ghsa("GHSA-57j2-w4cx-62h2")
            .cwe(&["CWE-787"])
            .text("jackson-databind stack exhaustion on deeply nested JSON",
                "jackson-databind before 2.12.6.1 and 2.13.2.1 recursed without limit on deeply nested \
                 objects or arrays, so a single crafted JSON document could crash the service.")
            .pkg("Maven", "com.fasterxml.jackson.core:jackson-databind", "pkg:maven/com.fasterxml.jackson.core/jackson-databind",
                &[("0", "2.12.6.1"), ("2.13.0", "2.13.2.1")])
            .epss(0.004, 0.61),
        v("CVE-2022-22965", (2022, 4, 1), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)
            .ghsa("GHSA-36p3-wjmg-h94x")
            .cwe(&["CWE-94"])
            .text("Spring Framework remote code execution through data binding (Spring4Shell)",
                "On JDK 9 and later, Spring MVC and WebFlux data binding let a request reach the class \
                 loader and, on Tomcat WAR deployments, write a web shell. Fixed in 5.3.18 and 5.2.20.")
            .cpes(vec![
                range("cpe:2.3:a:vmware:spring_framework:*:*:*:*:*:*:*:*", None, "5.2.20"),
                range("cpe:2.3:a:vmware:spring_framework:*:*:*:*:*:*:*:*", Some("5.3.0"), "5.3.18"),
            ])
            .kev("VMware", "Spring Framework", (2022, 4, 4), (2022, 4, 25), false)
            .epss(0.943, 0.999),
        v("CVE-2020-1938", (2020, 2, 24), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)
            .ghsa("GHSA-c9hw-wf7x-jp9j")
            .cwe(&["CWE-269"])
            .text("Tomcat AJP connector file read and inclusion (Ghostcat)",
                "Tomcat trusted AJP connections and enabled the connector on all addresses by default, \
                 so anyone who could reach port 8009 could read web application files and, where uploads \
                 were allowed, run code. Fixed in 9.0.31, 8.5.51 and 7.0.100.")
            .pkg("Maven", TOMCAT.0, TOMCAT.1, &[("7.0.0", "7.0.100"), ("8.5.0", "8.5.51"), ("9.0.0.M1", "9.0.31")])
            .kev("Apache", "Tomcat", (2022, 3, 3), (2022, 3, 17), false)
            .epss(0.944, 0.999),
        v("CVE-2025-24813", (2025, 3, 10), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)
            .ghsa("GHSA-83qj-6fr2-vhqg")
            .cwe(&["CWE-44", "CWE-502"])
            .text("Tomcat partial PUT handling allows code execution or file disclosure",
                "With writes enabled on the default servlet and file-based session persistence, a \
                 crafted partial PUT can plant a serialised session file that Tomcat later loads, or \
                 read and overwrite files. Fixed in 9.0.99, 10.1.35 and 11.0.3.")
            .pkg("Maven", TOMCAT.0, TOMCAT.1, &[("9.0.0.M1", "9.0.99"), ("10.1.0-M1", "10.1.35"), ("11.0.0-M1", "11.0.3")])
            .kev("Apache", "Tomcat", (2025, 4, 1), (2025, 4, 22), false)
            .epss(0.925, 0.997),
        v("CVE-2023-44487", (2023, 10, 10), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5)
            .ghsa("GHSA-qppj-fm5r-hxr3")
            .cwe(&["CWE-400"])
            .text("HTTP/2 Rapid Reset denial of service",
                "HTTP/2 lets a client cancel a stream immediately after opening it; servers that keep \
                 working on cancelled streams can be overwhelmed by a flood of open-and-reset requests. \
                 Record-breaking attacks used it in 2023. Listed here for Node.js and embedded Tomcat.")
            .cpes(vec![
                range("cpe:2.3:a:nodejs:node.js:*:*:*:*:*:*:*:*", None, "18.18.2"),
                range("cpe:2.3:a:nodejs:node.js:*:*:*:*:*:*:*:*", Some("20.0.0"), "20.8.1"),
            ])
            .pkg("Maven", TOMCAT.0, TOMCAT.1, &[("8.5.0", "8.5.94"), ("9.0.0.M1", "9.0.81"), ("10.1.0-M1", "10.1.14")])
            .kev("IETF", "HTTP/2", (2023, 10, 10), (2023, 10, 31), false)
            .epss(0.811, 0.991),
        // ---- npm --------------------------------------------------------------------------------------
        v("CVE-2021-23337", (2021, 2, 15), "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2)
            .ghsa("GHSA-35jh-r3h4-6jhm")
            .cwe(&["CWE-94"])
            .text("lodash command injection through the template function",
                "lodash before 4.17.21 did not sanitise the `variable` option of `_.template`, so code \
                 placed in template options could run on the server.")
            .pkg("npm", "lodash", "pkg:npm/lodash", &[("0", "4.17.21")])
            .epss(0.012, 0.79),
        v("CVE-2024-43796", (2024, 9, 10), "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:L", 5.0)
            .ghsa("GHSA-qw6h-vgh9-j6wx")
            .cwe(&["CWE-79"])
            .text("Express cross-site scripting through res.redirect()",
                "Express before 4.20.0 passed untrusted input to `res.redirect()` into the HTML body it \
                 generates, allowing script injection even after sanitisation.")
            .pkg("npm", "express", "pkg:npm/express", &[("0", "4.20.0"), ("5.0.0-alpha.1", "5.0.0")])
            .epss(0.002, 0.42),
        v("CVE-2021-3749", (2021, 8, 31), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5)
            .ghsa("GHSA-cph5-m8f7-6c5x")
            .cwe(&["CWE-1333"])
            .text("axios regular-expression denial of service in trim",
                "The whitespace-trimming regular expression in axios before 0.21.2 took super-linear time \
                 on crafted strings, letting a remote party stall the process.")
            .pkg("npm", "axios", "pkg:npm/axios", &[("0", "0.21.2")])
            .epss(0.011, 0.78),
        // ---- PyPI -------------------------------------------------------------------------------------
        v("CVE-2023-32681", (2023, 5, 26), "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N", 6.1)
            .ghsa("GHSA-j8r2-6x86-q33q")
            .cwe(&["CWE-200"])
            .text("Requests leaks Proxy-Authorization headers to destination servers",
                "From 2.3.0, when a proxied request was redirected to an HTTPS endpoint, Requests \
                 re-attached the proxy credentials to the tunnelled request, sending them to the \
                 destination. Fixed in 2.31.0.")
            .pkg("PyPI", "requests", "pkg:pypi/requests", &[("2.3.0", "2.31.0")])
            .epss(0.062, 0.93),
        v("CVE-2024-37891", (2024, 6, 17), "CVSS:3.1/AV:N/AC:H/PR:H/UI:N/S:U/C:H/I:N/A:N", 4.4)
            .ghsa("GHSA-34jh-p97f-mpxf")
            .cwe(&["CWE-669"])
            .text("urllib3 keeps the Proxy-Authorization header on cross-origin redirects",
                "When the header was set by hand rather than through urllib3's proxy support, it was not \
                 stripped on a redirect to another origin. Fixed in 1.26.19 and 2.2.2.")
            .pkg("PyPI", "urllib3", "pkg:pypi/urllib3", &[("0", "1.26.19"), ("2.0.0", "2.2.2")])
            .epss(0.003, 0.55),
        v("CVE-2022-28346", (2022, 4, 12), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)
            .ghsa("GHSA-2gwj-7jmv-h26r")
            .cwe(&["CWE-89"])
            .text("Django SQL injection through column aliases in annotate(), aggregate() and extra()",
                "A dictionary expanded into keyword arguments of these QuerySet methods could inject SQL \
                 through its keys. Fixed in 2.2.28, 3.2.13 and 4.0.4.")
            .pkg("PyPI", "django", "pkg:pypi/django", &[("2.2", "2.2.28"), ("3.2", "3.2.13"), ("4.0", "4.0.4")])
            .epss(0.027, 0.86),
        // ---- OpenSSL, OpenSSH, web servers, runtimes ----------------------------------------------------
        v("CVE-2022-0778", (2022, 3, 15), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5)
            .cwe(&["CWE-835"])
            .text("OpenSSL infinite loop when parsing crafted certificates",
                "BN_mod_sqrt() could loop forever on a crafted elliptic-curve certificate or key, so any \
                 TLS client or server parsing untrusted certificates could be stalled. Fixed in 3.0.2, \
                 1.1.1n and 1.0.2zd.")
            .cpes(branches(OPENSSL, &[
                (Some("1.0.2"), "1.0.2zd"),
                (Some("1.1.1"), "1.1.1n"),
                (Some("3.0.0"), "3.0.2"),
            ]))
            .epss(0.012, 0.79),
        v("CVE-2024-5535", (2024, 6, 27), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H", 9.1)
            .cwe(&["CWE-200"])
            .text("OpenSSL SSL_select_next_proto buffer over-read",
                "Called with an empty client protocol list, SSL_select_next_proto could read past its \
                 buffer and return private memory or crash. Few applications call it that way. Fixed in \
                 3.3.2, 3.2.3, 3.1.7, 3.0.15, 1.1.1za and 1.0.2zk.")
            .cpes(branches(OPENSSL, &[
                (Some("1.0.2"), "1.0.2zk"),
                (Some("1.1.1"), "1.1.1za"),
                (Some("3.0.0"), "3.0.15"),
                (Some("3.1.0"), "3.1.7"),
                (Some("3.2.0"), "3.2.3"),
                (Some("3.3.0"), "3.3.2"),
            ]))
            .epss(0.009, 0.75),
        v("CVE-2024-6387", (2024, 7, 1), "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1)
            .cwe(&["CWE-364"])
            .text("OpenSSH server signal handler race allowing root code execution (regreSSHion)",
                "A regression of an old bug made sshd's login-timeout signal handler call unsafe \
                 functions; winning the race gives unauthenticated code execution as root on glibc \
                 Linux. Versions before 4.4p1 and from 8.5p1 up to 9.8p1 are affected.")
            .cpes(vec![range(OPENSSH, None, "4.4"), range(OPENSSH, Some("8.5"), "9.8")])
            .epss(0.368, 0.97),
        v("CVE-2021-41773", (2021, 10, 5), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5)
            .cwe(&["CWE-22"])
            .text("Apache HTTP Server 2.4.49 path traversal",
                "A change to path normalisation in 2.4.49 let crafted URLs escape the document root and, \
                 with CGI enabled, run programs. 2.4.50's fix was incomplete (CVE-2021-42013); 2.4.51 \
                 closed both.")
            .cpes(each(&["cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*"]))
            .kev("Apache", "HTTP Server", (2021, 11, 3), (2021, 11, 17), true)
            .epss(0.944, 0.999),
        v("CVE-2021-23017", (2021, 6, 1), "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:L/A:H", 7.7)
            .cwe(&["CWE-193"])
            .text("nginx resolver off-by-one",
                "When the `resolver` directive is used, a forged DNS response can overwrite one byte of \
                 memory in the worker process, crashing it and possibly more. Fixed in 1.20.1 and 1.21.0.")
            .cpes(vec![range("cpe:2.3:a:f5:nginx:*:*:*:*:*:*:*:*", Some("0.6.18"), "1.20.1")])
            .epss(0.417, 0.97),
        v("CVE-2019-2697", (2019, 4, 23), "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1)
            .text("Oracle Java SE 2D component vulnerability (April 2019 critical patch update)",
                "A flaw in the 2D graphics component of Java SE 7u211 and 8u202 on Windows lets untrusted \
                 code, such as a sandboxed applet or Web Start application, take over the Java runtime.")
            .cpes(each(&[
                "cpe:2.3:a:oracle:jre:1.7.0:update_211:*:*:*:*:*:*",
                "cpe:2.3:a:oracle:jre:1.8.0:update_202:*:*:*:*:*:*",
                "cpe:2.3:a:oracle:jdk:1.7.0:update_211:*:*:*:*:*:*",
                "cpe:2.3:a:oracle:jdk:1.8.0:update_202:*:*:*:*:*:*",
            ]))
            .epss(0.016, 0.81),
        // ---- Desktop applications -----------------------------------------------------------------------
        v("CVE-2023-4863", (2023, 9, 12), "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8)
            .cwe(&["CWE-787"])
            .text("libwebp heap overflow reachable from any browser that shows a WebP image",
                "A heap buffer overflow in the WebP decoder let a crafted image run code in the browser's \
                 renderer; it was exploited as a zero-day. Every product that embeds libwebp was \
                 affected, including Chrome, Edge and Firefox.")
            .cpes(vec![
                range("cpe:2.3:a:google:chrome:*:*:*:*:*:*:*:*", None, "116.0.5845.187"),
                range("cpe:2.3:a:microsoft:edge_chromium:*:*:*:*:*:*:*:*", None, "116.0.1938.81"),
                range("cpe:2.3:a:mozilla:firefox:*:*:*:*:*:*:*:*", None, "117.0.1"),
                range("cpe:2.3:a:mozilla:firefox_esr:*:*:*:*:*:*:*:*", None, "102.15.1"),
                range("cpe:2.3:a:mozilla:firefox_esr:*:*:*:*:*:*:*:*", Some("115.0"), "115.2.1"),
                range("cpe:2.3:a:webmproject:libwebp:*:*:*:*:*:*:*:*", None, "1.3.2"),
            ])
            .kev("Google", "Chromium WebP", (2023, 9, 13), (2023, 10, 4), false)
            .epss(0.923, 0.997),
        v("CVE-2025-0411", (2025, 1, 25), "CVSS:3.1/AV:L/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.0)
            .cwe(&["CWE-693"])
            .text("7-Zip does not pass Mark-of-the-Web to files extracted from nested archives",
                "Files extracted from an archive inside a downloaded archive lost the Mark-of-the-Web, so \
                 Windows did not warn before opening them; phishing campaigns used it to deliver malware. \
                 Fixed in 24.09.")
            .cpes(vec![range("cpe:2.3:a:7-zip:7-zip:*:*:*:*:*:*:*:*", None, "24.09")])
            .kev("7-Zip", "7-Zip", (2025, 2, 6), (2025, 2, 27), false)
            .epss(0.183, 0.96),
        v("CVE-2021-28550", (2021, 5, 11), "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8)
            .cwe(&["CWE-416"])
            .text("Adobe Acrobat Reader use-after-free exploited through malicious PDFs",
                "Opening a crafted PDF could trigger a use-after-free and run code as the user; it was \
                 exploited in limited targeted attacks on Windows. Fixed in Acrobat Reader DC \
                 2021.001.20155.")
            .cpes(vec![range("cpe:2.3:a:adobe:acrobat_reader_dc:*:*:*:*:continuous:*:*:*", None, "21.001.20155")])
            .kev("Adobe", "Acrobat and Reader", (2021, 11, 3), (2021, 11, 17), false)
            .epss(0.276, 0.97),
        // ---- Legacy log4j 1.x ---------------------------------------------------------------------------
        v("CVE-2019-17571", (2019, 12, 20), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)
            .ghsa("GHSA-2qrg-x229-3v8q")
            .cwe(&["CWE-502"])
            .text("Log4j 1.2 SocketServer deserialises untrusted data",
                "The SocketServer class in Log4j 1.2 up to 1.2.17 deserialises whatever it receives, so a \
                 listening log server can be made to run code. Log4j 1 is end of life and will not be \
                 fixed; migrate to Log4j 2 or reload4j.")
            .pkg_events("Maven", "log4j:log4j", "pkg:maven/log4j/log4j",
                vec![Event::Introduced("1.2".to_owned()), Event::LastAffected("1.2.17".to_owned())])
            .epss(0.052, 0.92),
    ]
}
