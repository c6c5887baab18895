//! `kubeplay serve`: builds the cluster, hands it to the HTTP server, writes the kubeconfig
//! and says where to point kubectl.

use std::io::Write;
use std::process::ExitCode;

use kubeplay_server::ClockMode;
use kubeplay_sim::create_cluster;

use crate::options::{ServeOptions, default_start};

pub fn serve(options: &ServeOptions) -> ExitCode {
    let shape = match crate::shape(&options.cluster) {
        Ok(shape) => shape,
        Err(error) => {
            eprintln!("kubeplay: {error}");
            return ExitCode::from(2);
        }
    };
    let (clock, start) = match options.speed {
        // Ages kubectl computes from its own clock agree with the server's when virtual time
        // starts now (whole seconds, as the API's timestamps are).
        Some(speed) => (
            ClockMode::Real { speed },
            options.start.unwrap_or_else(|| {
                jiff::Timestamp::from_second(jiff::Timestamp::now().as_second())
                    .unwrap_or_else(|_| default_start())
            }),
        ),
        None => (
            ClockMode::Manual,
            options.start.unwrap_or_else(default_start),
        ),
    };
    let cluster = create_cluster(&shape, start, options.seed);
    let kubeconfig = options.kubeconfig.clone();
    let config = kubeplay_server::Config {
        listen: options.listen,
        clock,
        watch_cache_size: options.watch_cache_size,
    };
    let result = kubeplay_server::run_until_interrupted(cluster, config, |url| {
        std::fs::write(&kubeconfig, kubeplay_server::kubeconfig::kubeconfig(url))?;
        let mut text = format!(
            "kubeplay: serving the simulated cluster at {url}\n\
             kubeplay: kubeconfig written to {kubeconfig} (context \"kubeplay\")\n  \
             kubectl --kubeconfig {kubeconfig} get nodes\n"
        );
        if clock == ClockMode::Manual {
            text.push_str(&format!(
                "kubeplay: the clock is manual: curl -X POST '{url}/kubeplay/v1/advance?seconds=60'\n"
            ));
        }
        text.push_str("Press Ctrl+C to stop.\n");
        // Whoever started us may stop reading once it has the address: serve on regardless.
        let mut stdout = std::io::stdout();
        let _ = stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush());
        Ok(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kubeplay serve: {error}");
            ExitCode::from(1)
        }
    }
}
