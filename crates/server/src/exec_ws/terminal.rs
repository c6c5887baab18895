//! `exec -it … sh` over the WebSocket: a terminal, line by line, on the page's exec.

use axum::extract::ws::Message;
use kubeplay_model::api::api::core::v1::Container;
use kubeplay_model::object::MetaExt;
use kubeplay_model::{Kind, ObjectKey, Pod};
use kubeplay_sim::kubelet::exec::Printed;

use super::{CLOSE, STDIN, STDOUT, Session, exit_status, internal_error, run, success};
use crate::state::Shared;

impl Session {
    /// `exec -it … sh`: a terminal line by line. Keys are echoed as a terminal does, each
    /// line runs as `sh -c LINE` when Enter is pressed (so `cd` and variables last one line),
    /// and `exit [N]` or Ctrl+D on an empty line ends the session.
    pub(super) async fn interactive(
        mut self,
        shared: Shared,
        pod: Pod,
        container: Container,
        command: &[String],
    ) {
        let key = ObjectKey::new(
            Kind::Pod,
            pod.metadata.namespace_str(),
            pod.metadata.name_str(),
        );
        // busybox's ash shows the directory; Debian's dash only `#` for root.
        let busybox = container
            .image
            .as_deref()
            .unwrap_or_default()
            .contains("busybox");
        let prompt = if busybox { "/ # " } else { "# " };
        if !self.send(STDOUT, prompt.as_bytes()).await {
            return;
        }
        let mut line: Vec<u8> = Vec::new();
        while let Some(Ok(message)) = self.socket.recv().await {
            let Message::Binary(data) = message else {
                if matches!(message, Message::Close(_)) {
                    return;
                }
                continue;
            };
            let keys = match data.as_ref() {
                [STDIN, keys @ ..] => keys.to_vec(),
                [CLOSE, STDIN] => return self.finish(success()).await,
                _ => continue,
            };
            for key_byte in keys {
                let echo: Vec<u8> = match key_byte {
                    b'\r' | b'\n' => {
                        let text = String::from_utf8_lossy(&line).trim().to_string();
                        line.clear();
                        if !self.send(STDOUT, b"\r\n").await {
                            return;
                        }
                        if let Some(code) = exit_code(&text) {
                            let status = if code == 0 {
                                success()
                            } else {
                                exit_status(command, code)
                            };
                            return self.finish(status).await;
                        }
                        if !text.is_empty() {
                            let argv = ["sh".to_string(), "-c".to_string(), text];
                            let printed = match run(&shared, &key, &pod, &container, &argv, None) {
                                Ok(exited) => exited.printed,
                                Err(message) => return self.finish(internal_error(&message)).await,
                            };
                            for printed in printed {
                                let text = match printed {
                                    Printed::Stdout(text) => text.replace('\n', "\r\n"),
                                    Printed::Stderr(text) => format!("{text}\r\n"),
                                };
                                if !self.send(STDOUT, text.as_bytes()).await {
                                    return;
                                }
                            }
                        }
                        prompt.as_bytes().to_vec()
                    }
                    // Ctrl+D on an empty line ends the shell.
                    0x04 if line.is_empty() => {
                        let _ = self.send(STDOUT, b"\r\n").await;
                        return self.finish(success()).await;
                    }
                    0x03 => {
                        line.clear();
                        format!("^C\r\n{prompt}").into_bytes()
                    }
                    0x7f | 0x08 => match line.pop() {
                        Some(_) => b"\x08 \x08".to_vec(),
                        None => Vec::new(),
                    },
                    byte if byte >= 0x20 || byte == b'\t' => {
                        line.push(byte);
                        vec![byte]
                    }
                    _ => Vec::new(),
                };
                if !echo.is_empty() && !self.send(STDOUT, &echo).await {
                    return;
                }
            }
        }
    }
}

/// `exit` or `exit N` typed into an interactive shell: the code it ends with.
fn exit_code(line: &str) -> Option<i32> {
    let mut words = line.split_whitespace();
    if words.next() != Some("exit") {
        return None;
    }
    Some(words.next().and_then(|n| n.parse().ok()).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::exit_code;

    #[test]
    fn exit_with_and_without_a_code() {
        assert_eq!(exit_code("exit"), Some(0));
        assert_eq!(exit_code("exit 3"), Some(3));
        assert_eq!(exit_code("exitx"), None);
        assert_eq!(exit_code("echo exit"), None);
    }
}
