//! The streams of `kubeplay serve` as virtual time runs: `pods/log?follow=true` and watches
//! with selectors, read over raw HTTP/1.1 as a client reads them.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

mod common;
use common::{Served, serve};

const JSON: &str = "application/json";
const MERGE: &str = "application/merge-patch+json";

/// A streaming GET: the connection, read a piece at a time.
struct Stream {
    stream: TcpStream,
    seen: String,
    closed: bool,
}

impl Stream {
    fn open(served: &Served, path: &str) -> Stream {
        let mut stream = TcpStream::connect(&served.address).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            served.address
        )
        .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        Stream {
            stream,
            seen: String::new(),
            closed: false,
        }
    }

    /// Reads until `text` has arrived (or the stream ends, or a few seconds pass).
    fn until(&mut self, text: &str) -> &str {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut buffer = [0u8; 4096];
        while !self.seen.contains(text) && !self.closed && Instant::now() < deadline {
            match self.stream.read(&mut buffer) {
                Ok(0) => self.closed = true,
                Ok(read) => self
                    .seen
                    .push_str(&String::from_utf8_lossy(&buffer[..read])),
                Err(_) => {}
            }
        }
        &self.seen
    }

    /// Reads whatever arrives within a moment.
    fn settle(&mut self) -> &str {
        self.until("\u{0}never\u{0}");
        &self.seen
    }
}

fn advance(served: &Served, seconds: u32) {
    let answer = served.post(&format!("/kubeplay/v1/advance?seconds={seconds}"));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[test]
fn a_followed_log_streams_lines_as_virtual_time_reaches_them_and_ends_with_the_container() {
    let served = serve("log-follow", &[]);
    let pod = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"counter"},"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"busybox","command":["sh","-c","for i in 1 2 3; do echo line $i; sleep 10; done"]}]}}"#;
    let created = served.request(
        "POST",
        "/api/v1/namespaces/default/pods",
        JSON,
        pod.as_bytes(),
    );
    assert_eq!(created.code, 201, "{}", created.body);
    advance(&served, 5);
    let mut log = Stream::open(
        &served,
        "/api/v1/namespaces/default/pods/counter/log?follow=true",
    );
    assert!(log.until("line 1").contains("line 1"), "{}", log.seen);
    assert!(
        !log.settle().contains("line 2"),
        "line 2 is 10 s away: {}",
        log.seen
    );
    assert_eq!(
        served.open_watches(),
        1,
        "a follow counts as a waiting client"
    );
    advance(&served, 10);
    assert!(log.until("line 2").contains("line 2"), "{}", log.seen);
    assert!(!log.closed, "the container still runs");
    advance(&served, 30);
    assert!(log.until("line 3").contains("line 3"), "{}", log.seen);
    log.until("\u{0}end\u{0}");
    assert!(
        log.closed,
        "the container exited, the stream ends: {}",
        log.seen
    );
    assert_eq!(log.seen.matches("line ").count(), 3, "{}", log.seen);
}

#[test]
fn a_follow_ends_when_its_client_goes_away() {
    let served = serve("log-follow-away", &[]);
    let pod = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"forever"},"spec":{"containers":[{"name":"c","image":"busybox","command":["sh","-c","while true; do echo tick; sleep 1; done"]}]}}"#;
    let created = served.request(
        "POST",
        "/api/v1/namespaces/default/pods",
        JSON,
        pod.as_bytes(),
    );
    assert_eq!(created.code, 201, "{}", created.body);
    advance(&served, 5);
    let mut log = Stream::open(
        &served,
        "/api/v1/namespaces/default/pods/forever/log?follow=true",
    );
    log.until("tick");
    assert_eq!(served.open_watches(), 1);
    drop(log);
    // The server notices at the next line it would send.
    let deadline = Instant::now() + Duration::from_secs(10);
    while served.open_watches() > 0 && Instant::now() < deadline {
        advance(&served, 1);
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(served.open_watches(), 0);
    let answer = served.request("GET", "/api/v1/namespaces/default/pods/forever", JSON, b"");
    assert_eq!(answer.code, 200, "the server keeps serving");
}

/// The `type` and name of each watch event line in a raw chunked stream (a chunk's size line
/// such as `1E2` is JSON too, a number: only objects are events).
fn events(raw: &str) -> Vec<(String, String)> {
    raw.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line.trim()).ok())
        .filter(serde_json::Value::is_object)
        .map(|event| {
            (
                event["type"].as_str().unwrap_or_default().to_string(),
                event["object"]["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn a_selector_watch_sees_objects_start_and_stop_matching() {
    let served = serve("selector-watch", &[]);
    let configmaps = "/api/v1/namespaces/default/configmaps";
    let created = served.request(
        "POST",
        configmaps,
        JSON,
        br#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}"#,
    );
    assert_eq!(created.code, 201, "{}", created.body);
    let mut watch = Stream::open(
        &served,
        &format!("{configmaps}?watch=true&labelSelector=tier%3Dfront"),
    );
    let label = |value: &str| {
        let patch = format!(r#"{{"metadata":{{"labels":{{"tier":"{value}"}}}}}}"#);
        let answer = served.request("PATCH", &format!("{configmaps}/a"), MERGE, patch.as_bytes());
        assert_eq!(answer.code, 200, "{}", answer.body);
    };
    label("front");
    label("front");
    let other = served.request(
        "PATCH",
        &format!("{configmaps}/a"),
        MERGE,
        br#"{"data":{"k":"v"}}"#,
    );
    assert_eq!(other.code, 200, "{}", other.body);
    label("back");
    label("front");
    let deleted = served.request("DELETE", &format!("{configmaps}/a"), JSON, b"");
    assert_eq!(deleted.code, 200, "{}", deleted.body);
    watch.until("\"DELETED\"");
    watch.until("\"DELETED\",\"object\":{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\"");
    let seen = events(watch.settle());
    let expected: Vec<(String, String)> = ["ADDED", "MODIFIED", "DELETED", "ADDED", "DELETED"]
        .iter()
        .map(|t| (t.to_string(), "a".to_string()))
        .collect();
    assert_eq!(seen, expected, "{}", watch.seen);
    // The DELETED for the relabel carries the object as it last matched.
    let relabelled: Vec<serde_json::Value> = watch
        .seen
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line.trim()).ok())
        .filter(serde_json::Value::is_object)
        .collect();
    assert_eq!(
        relabelled[2]["object"]["metadata"]["labels"]["tier"],
        "front"
    );
}
