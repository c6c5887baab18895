//! `kubeplay serve` for the tests: a server on a free port with a manual clock, stopped when
//! dropped, and plain HTTP requests to it.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden")
}

/// A running `kubeplay serve`, stopped when dropped.
pub struct Served {
    child: Child,
    pub address: String,
    pub dir: PathBuf,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Starts `kubeplay serve --clock manual` with a script's `# kubeplay:` flags.
pub fn serve(name: &str, flags: &[String]) -> Served {
    let dir = std::env::temp_dir().join(format!("kubeplay-serve-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubeplay"))
        // Paths in flags are relative to the repository root.
        .current_dir(golden_dir().join("../.."))
        .args(["serve", "--clock", "manual", "--listen", "127.0.0.1:0"])
        .args(flags)
        .arg("--kubeconfig")
        .arg(dir.join("kubeconfig"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut first).unwrap();
    // Keep reading what it prints, so it never writes into a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let address = first
        .trim()
        .rsplit("http://")
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(!address.is_empty(), "kubeplay serve said {first:?}");
    Served {
        child,
        address,
        dir,
    }
}

impl Served {
    /// `POST PATH` on the server; the raw response.
    pub fn post(&self, path: &str) -> String {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        write!(
            stream,
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.address
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    }
}

impl Served {
    /// How many watches the server is serving.
    pub fn open_watches(&self) -> u64 {
        self.request("GET", "/kubeplay/v1/watches", "application/json", b"")
            .json()["open"]
            .as_u64()
            .unwrap_or(0)
    }
}

/// An HTTP answer: status code, headers (lowercase names) and body.
pub struct Answer {
    pub code: u16,
    pub headers: String,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {:?}", self.body))
    }
}

impl Served {
    /// One request on its own connection.
    pub fn request(&self, method: &str, path: &str, content_type: &str, body: &[u8]) -> Answer {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.address,
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        // A server may answer before the whole body is sent; that is fine.
        let _ = stream.write_all(body);
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let text = String::from_utf8_lossy(&response).to_string();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let code = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        Answer {
            code,
            headers: head.to_ascii_lowercase(),
            body: body.to_string(),
        }
    }
}
