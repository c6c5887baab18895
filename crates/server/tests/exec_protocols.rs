//! `pods/exec` at the WebSocket level: the subprotocol negotiated (v5, or v4 for a client
//! that offers only it), the channel framing, stdin closed with `[255, 0]`, and the final
//! Status on channel 3 followed by a normal close.

use std::net::SocketAddr;

use futures_util::{SinkExt, StreamExt};
use kubeplay_model::{Kind, Object};
use kubeplay_server::{ClockMode, Config, Server};
use kubeplay_sim::bootstrap::ClusterShape;
use kubeplay_sim::create_cluster;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

/// A server with one running busybox pod, `box`.
async fn server() -> SocketAddr {
    let start = jiff::Timestamp::constant(1_748_859_300, 0);
    let mut cluster = create_cluster(&ClusterShape::kind(), start, 7);
    let pod: Value = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "box", "namespace": "default"},
        "spec": {"containers": [{"name": "box", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}
    });
    let pod = Object::from_value(Kind::Pod, &pod).unwrap();
    cluster.api.create(pod, false).unwrap();
    cluster.advance_to(cluster.now_ms() + 30_000);
    let config = Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        clock: ClockMode::Manual,
        watch_cache_size: 100,
    };
    let server = Server::bind(cluster, config).await.unwrap();
    let address = server.address;
    tokio::spawn(server.serve(std::future::pending()));
    address
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(address: SocketAddr, query: &str, protocols: &str) -> (Socket, String) {
    let url = format!("ws://{address}/api/v1/namespaces/default/pods/box/exec?{query}");
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_str(protocols).unwrap(),
    );
    let (socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    let protocol = response
        .headers()
        .get("Sec-WebSocket-Protocol")
        .and_then(|p| p.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (socket, protocol)
}

/// Every data message until the server closes: (channel, bytes), and the close code.
async fn read_all(socket: &mut Socket) -> (Vec<(u8, Vec<u8>)>, Option<u16>) {
    let mut messages = Vec::new();
    while let Some(Ok(message)) = socket.next().await {
        match message {
            Message::Binary(data) => messages.push((data[0], data[1..].to_vec())),
            Message::Close(frame) => return (messages, frame.map(|f| u16::from(f.code))),
            _ => {}
        }
    }
    (messages, None)
}

fn status(messages: &[(u8, Vec<u8>)]) -> Value {
    let (_, data) = messages.iter().find(|(channel, _)| *channel == 3).unwrap();
    serde_json::from_slice(data).unwrap()
}

#[tokio::test]
async fn v4_is_negotiated_for_a_client_that_offers_only_it() {
    let address = server().await;
    let (mut socket, protocol) = connect(
        address,
        "command=hostname&stdout=true&stderr=true",
        "v4.channel.k8s.io",
    )
    .await;
    assert_eq!(protocol, "v4.channel.k8s.io");
    let (messages, close) = read_all(&mut socket).await;
    assert_eq!(messages[0], (1, b"box\n".to_vec()));
    assert_eq!(
        status(&messages),
        json!({"metadata": {}, "status": "Success"})
    );
    assert_eq!(close, Some(1000));
}

#[tokio::test]
async fn v5_reads_stdin_to_its_close_and_reports_the_exit_code() {
    let address = server().await;
    let query = "command=sh&command=-c&command=wc+-l%3B+exit+3&stdin=true&stdout=true&stderr=true";
    let (mut socket, protocol) =
        connect(address, query, "v5.channel.k8s.io, v4.channel.k8s.io").await;
    assert_eq!(protocol, "v5.channel.k8s.io");
    socket
        .send(Message::binary(b"\x00a\nb\n".to_vec()))
        .await
        .unwrap();
    socket.send(Message::binary(vec![255, 0])).await.unwrap();
    let (messages, close) = read_all(&mut socket).await;
    assert_eq!(messages[0], (1, b"2\n".to_vec()));
    assert_eq!(
        status(&messages),
        json!({
            "metadata": {}, "status": "Failure", "reason": "NonZeroExitCode",
            "message": "command terminated with non-zero exit code: command terminated with non-zero exit code: command terminated with non-zero exit code: error executing command [sh -c wc -l; exit 3], exit code 3",
            "details": {"causes": [{"reason": "ExitCode", "message": "3"}]}
        })
    );
    assert_eq!(close, Some(1000));
}

#[tokio::test]
async fn a_request_the_api_server_refuses_fails_before_the_upgrade() {
    let address = server().await;
    let url = format!(
        "ws://{address}/api/v1/namespaces/default/pods/box/exec?command=ls&stdout=true&container=nope"
    );
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("v5.channel.k8s.io"),
    );
    let error = tokio_tungstenite::connect_async(request).await.unwrap_err();
    let tokio_tungstenite::tungstenite::Error::Http(response) = error else {
        panic!("expected an HTTP answer, got {error}");
    };
    assert_eq!(response.status(), 400);
    let body: Value = serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
    assert_eq!(body["message"], "container nope is not valid for pod box");
}
