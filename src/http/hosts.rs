//! Where a request says it is going and where it comes from: the host allow-list (a page of
//! another site whose name resolves to this server, DNS rebinding, is refused), the origin a
//! browser's state-changing request must carry, and the client address behind a known number
//! of reverse proxies.

use crate::config::Settings;
use crate::error::AppError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::Error;

/// The port of a bind address (`127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`).
pub fn bind_port(bind: &str) -> Option<u16> {
    let (host, port) = bind.rsplit_once(':')?;
    (!host.is_empty()).then_some(())?;
    port.parse().ok()
}

/// Whether `s` is a host name or address with an optional port, as a `Host` header carries it.
pub fn is_host_name(s: &str) -> bool {
    let (host, port) = split_port(s);
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok());
    let host_ok = if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        inner.parse::<std::net::Ipv6Addr>().is_ok()
    } else {
        !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    };
    host_ok && port_ok
}

/// `host[:port]` into the host and the port (an IPv6 address keeps its brackets).
fn split_port(s: &str) -> (&str, Option<&str>) {
    if s.starts_with('[') {
        match s.rfind("]:") {
            Some(i) => (&s[..=i], Some(&s[i + 2..])),
            None => (s, None),
        }
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    }
}

/// The `Host` values this server answers to, lower case: the configured list, or the bind
/// address's host and the loopback names on the port actually bound (with the port, as
/// browsers send it; without it too on port 80).
#[derive(Debug, Clone)]
pub struct AllowedHosts(Vec<String>);

impl AllowedHosts {
    pub fn new(settings: &Settings, port: u16) -> AllowedHosts {
        if !settings.allowed_hosts.is_empty() {
            return AllowedHosts(settings.allowed_hosts.iter().map(|h| h.to_ascii_lowercase()).collect());
        }
        let (bind_host, _) = split_port(&settings.bind);
        let mut names = vec!["localhost".to_string(), "127.0.0.1".into(), "[::1]".into()];
        // An unspecified bind address (0.0.0.0, [::]) is not a name anyone browses to.
        if !matches!(bind_host, "0.0.0.0" | "[::]" | "") {
            names.push(bind_host.to_ascii_lowercase());
        }
        let mut hosts: Vec<String> = names.iter().map(|h| format!("{h}:{port}")).collect();
        if port == 80 {
            hosts.extend(names);
        }
        AllowedHosts(hosts)
    }

    pub fn contains(&self, host: &str) -> bool {
        self.0.iter().any(|h| h == host)
    }
}

/// The host the request is addressed to: the `Host` header (HTTP/1.1), else the URI's authority.
/// Never `X-Forwarded-Host` or `Forwarded`, which any client can send.
pub fn request_host(req: &actix_web::HttpRequest) -> Option<String> {
    req.headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
        .map(|h| h.to_ascii_lowercase())
}

/// Middleware: refuses a request addressed to a host that is not allowed, with 400
/// `host_not_allowed`, before anything else looks at it.
pub async fn allowed_host(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let allowed = req.app_data::<actix_web::web::Data<AllowedHosts>>().cloned();
    // Health checks come from orchestrators by address (a pod's IP) and answer no data.
    let health = matches!(req.path(), "/healthz" | "/readyz");
    let ok = health
        || match (allowed, request_host(req.request())) {
            (Some(allowed), Some(host)) => allowed.contains(&host),
            _ => false,
        };
    if ok {
        next.call(req).await.map(ServiceResponse::map_into_boxed_body)
    } else {
        Ok(req.error_response(AppError::HostNotAllowed))
    }
}

/// The origin a browser on this site sends: `https` when the session cookie is `Secure` (it
/// would not travel over plain HTTP), else `http`; then the host the request is addressed to.
pub fn expected_origin(settings: &Settings, host: &str) -> String {
    let scheme = if settings.cookie_secure { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// The client's address: the TCP peer, or with `trust_forwarded_for` the address
/// `trusted_proxy_hops` entries from the right of `X-Forwarded-For` (each proxy appends the
/// address it received from, so only the rightmost ones were written by proxies we trust; the
/// leftmost is whatever the client chose). A chain shorter than that, or an entry that is not
/// an address, falls back to the peer. `Forwarded` is not read: proxies seldom write it, and
/// a client can.
pub fn client(peer: Option<std::net::IpAddr>, forwarded_for: &[&str], settings: &Settings) -> String {
    let peer = peer.map(|ip| ip.to_string()).unwrap_or_else(|| "unknown".into());
    if !settings.trust_forwarded_for {
        return peer;
    }
    let entries: Vec<&str> =
        forwarded_for.iter().flat_map(|h| h.split(',')).map(str::trim).filter(|e| !e.is_empty()).collect();
    let hops = settings.trusted_proxy_hops as usize;
    entries
        .len()
        .checked_sub(hops)
        .and_then(|i| entries[i].parse::<std::net::IpAddr>().ok())
        .map(|ip| ip.to_string())
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(hops: u32) -> Settings {
        Settings { trust_forwarded_for: true, trusted_proxy_hops: hops, ..Settings::default() }
    }

    #[test]
    fn the_client_is_counted_from_the_right() {
        let peer = Some("10.0.0.2".parse().expect("ip"));
        // One proxy: it appended the real client; the client wrote the rest.
        assert_eq!(client(peer, &["6.6.6.6, 203.0.113.7"], &settings(1)), "203.0.113.7");
        assert_eq!(client(peer, &["6.6.6.6", "203.0.113.7"], &settings(1)), "203.0.113.7");
        // Two proxies: the second appended the first's address.
        assert_eq!(client(peer, &["6.6.6.6, 203.0.113.7, 10.0.0.1"], &settings(2)), "203.0.113.7");
        // Too short a chain, or garbage: the peer.
        assert_eq!(client(peer, &["203.0.113.7"], &settings(2)), "10.0.0.2");
        assert_eq!(client(peer, &["not-an-ip"], &settings(1)), "10.0.0.2");
        assert_eq!(client(peer, &[], &settings(1)), "10.0.0.2");
        // Not trusted: the peer, whatever the header says.
        assert_eq!(client(peer, &["203.0.113.7"], &Settings::default()), "10.0.0.2");
    }

    #[test]
    fn the_default_hosts_are_the_bind_address_and_loopback() {
        let s = Settings { bind: "127.0.0.1:0".into(), ..Settings::default() };
        let hosts = AllowedHosts::new(&s, 8080);
        for h in ["127.0.0.1:8080", "localhost:8080", "[::1]:8080"] {
            assert!(hosts.contains(h), "{h}");
        }
        assert!(!hosts.contains("evil.example:8080") && !hosts.contains("127.0.0.1:8081"));
        assert!(!hosts.contains("localhost"), "the port is part of the host a browser sends");
        let s = Settings { bind: "0.0.0.0:80".into(), ..Settings::default() };
        let hosts = AllowedHosts::new(&s, 80);
        assert!(hosts.contains("localhost") && !hosts.contains("0.0.0.0:80"));
        let s = Settings { allowed_hosts: vec!["Homeward.Example.org".into()], ..Settings::default() };
        let hosts = AllowedHosts::new(&s, 8080);
        assert!(hosts.contains("homeward.example.org") && !hosts.contains("localhost:8080"));
    }

    #[test]
    fn host_names_are_checked() {
        for good in ["example.org", "example.org:8443", "127.0.0.1:8080", "[::1]:8080", "localhost"] {
            assert!(is_host_name(good), "{good}");
        }
        for bad in ["", "evil.example/x", "a b", "example.org:99999", "[::1", "exa_mple.org"] {
            assert!(!is_host_name(bad), "{bad}");
        }
        assert_eq!(bind_port("127.0.0.1:8080"), Some(8080));
        assert_eq!(bind_port("[::1]:0"), Some(0));
        assert_eq!(bind_port("nowhere"), None);
    }
}
