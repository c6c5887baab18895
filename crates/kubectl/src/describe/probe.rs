//! `DescribeProbe`: `http-get http://:8080/health delay=60s timeout=5s period=10s #success=1 #failure=5`.

use k8s_openapi::api::core::v1::Probe;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::common::s;

pub(super) fn describe_probe(probe: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        probe.initial_delay_seconds.unwrap_or(0),
        probe.timeout_seconds.unwrap_or(0),
        probe.period_seconds.unwrap_or(0),
        probe.success_threshold.unwrap_or(0),
        probe.failure_threshold.unwrap_or(0)
    );
    if let Some(exec) = &probe.exec {
        // Go's `%v` of a []string: `[a b c]`.
        let command = exec.command.as_deref().unwrap_or_default().join(" ");
        return format!("exec [{command}] {attrs}");
    }
    if let Some(http) = &probe.http_get {
        let scheme = s(&http.scheme).to_lowercase();
        let host = s(&http.host);
        let port = int_or_string(&http.port);
        let authority = if port.is_empty() {
            host.to_string()
        } else {
            join_host_port(host, &port)
        };
        return format!(
            "http-get {} {attrs}",
            url(&scheme, &authority, s(&http.path))
        );
    }
    if let Some(tcp) = &probe.tcp_socket {
        return format!(
            "tcp-socket {}:{} {attrs}",
            s(&tcp.host),
            int_or_string(&tcp.port)
        );
    }
    if let Some(grpc) = &probe.grpc {
        return format!("grpc <pod>:{} {} {attrs}", grpc.port, s(&grpc.service));
    }
    format!("unknown {attrs}")
}

/// `intstr.IntOrString.String()`.
pub(super) fn int_or_string(value: &IntOrString) -> String {
    match value {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// `net.JoinHostPort`: IPv6 hosts are bracketed.
fn join_host_port(host: &str, port: &str) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// `url.URL{Scheme, Host, Path}.String()` for the values probes hold.
fn url(scheme: &str, host: &str, path: &str) -> String {
    let mut out = String::new();
    if !scheme.is_empty() {
        out.push_str(scheme);
        out.push(':');
    }
    if !scheme.is_empty() || !host.is_empty() {
        out.push_str("//");
        out.push_str(host);
    }
    if !path.is_empty() && !path.starts_with('/') && !host.is_empty() {
        out.push('/');
    }
    for ch in path.chars() {
        match ch {
            '?' => out.push_str("%3F"),
            '#' => out.push_str("%23"),
            ' ' => out.push_str("%20"),
            '%' => out.push_str("%25"),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{ExecAction, HTTPGetAction, TCPSocketAction};

    fn timings() -> Probe {
        Probe {
            initial_delay_seconds: Some(60),
            timeout_seconds: Some(5),
            period_seconds: Some(10),
            success_threshold: Some(1),
            failure_threshold: Some(5),
            ..Default::default()
        }
    }

    #[test]
    fn renders_each_handler() {
        let http = Probe {
            http_get: Some(HTTPGetAction {
                path: Some("/health".into()),
                port: IntOrString::Int(8080),
                scheme: Some("HTTP".into()),
                ..Default::default()
            }),
            ..timings()
        };
        assert_eq!(
            describe_probe(&http),
            "http-get http://:8080/health delay=60s timeout=5s period=10s #success=1 #failure=5"
        );
        let exec = Probe {
            exec: Some(ExecAction {
                command: Some(vec!["cat".into(), "/tmp/healthy".into()]),
            }),
            ..timings()
        };
        assert_eq!(
            describe_probe(&exec),
            "exec [cat /tmp/healthy] delay=60s timeout=5s period=10s #success=1 #failure=5"
        );
        let tcp = Probe {
            tcp_socket: Some(TCPSocketAction {
                host: None,
                port: IntOrString::String("http".into()),
            }),
            ..Default::default()
        };
        assert_eq!(
            describe_probe(&tcp),
            "tcp-socket :http delay=0s timeout=0s period=0s #success=0 #failure=0"
        );
        assert_eq!(
            describe_probe(&Probe::default()),
            "unknown delay=0s timeout=0s period=0s #success=0 #failure=0"
        );
    }
}
