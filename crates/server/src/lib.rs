//! `kubeplay serve`: the simulated cluster behind the Kubernetes HTTP API, so the real
//! `kubectl` and client libraries drive it. This crate is only the HTTP edge — routing,
//! content negotiation, Status bodies, watch streams, the clock task — over the same core
//! (`ApiServer`, the store's journal, kubectl's printers) the page and `kubeplay run` use.

mod apply;
pub mod clock;
mod discovery;
mod exec_ws;
pub mod http;
pub mod kubeconfig;
mod log_follow;
mod objects;
mod openapi;
mod patching;
mod path;
mod protobuf;
mod request;
pub mod state;
mod status;
mod subresources;
mod table;
mod watch;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::any;
use kubeplay_sim::Cluster;

pub use clock::ClockMode;
pub use state::DEFAULT_WATCH_CACHE_SIZE;

/// How a server listens and keeps time.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub clock: ClockMode,
    /// How many recent changes a watch can resume from (older versions get 410 Gone).
    pub watch_cache_size: usize,
}
use http::App;
use state::Shared;

/// A bound server, ready to serve.
pub struct Server {
    listener: tokio::net::TcpListener,
    app: App,
    pub address: SocketAddr,
}

impl Server {
    /// Binds `listen` and takes `cluster` over.
    pub async fn bind(cluster: Cluster, config: Config) -> std::io::Result<Server> {
        let listener = tokio::net::TcpListener::bind(config.listen).await?;
        let address = listener.local_addr()?;
        let shared = Shared::new(cluster, &format!("{address}"), config.watch_cache_size);
        Ok(Server {
            listener,
            app: App {
                shared,
                clock: config.clock,
            },
            address,
        })
    }

    /// `http://ADDRESS`, as a kubeconfig names it.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Serves until `shutdown` completes.
    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        if let ClockMode::Real { speed } = self.app.clock {
            tokio::spawn(clock::follow_wall_clock(self.app.shared.clone(), speed));
        }
        let router = Router::new()
            .route(
                "/api/v1/namespaces/{namespace}/pods/{name}/exec",
                any(exec_ws::exec),
            )
            .route(
                "/api/v1/namespaces/{namespace}/pods/{name}/attach",
                any(exec_ws::attach),
            )
            .fallback(http::handle)
            .layer(DefaultBodyLimit::disable())
            .with_state(self.app);
        axum::serve(self.listener, router)
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// Runs a server on its own runtime until Ctrl+C: binds, calls `ready` with the URL, serves.
pub fn run_until_interrupted(
    cluster: Cluster,
    config: Config,
    ready: impl FnOnce(&str) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let server = Server::bind(cluster, config).await?;
        ready(&server.url())?;
        server
            .serve(async {
                // If the signal cannot be listened for, serve until killed.
                if tokio::signal::ctrl_c().await.is_err() {
                    std::future::pending::<()>().await;
                }
            })
            .await
    })
}
