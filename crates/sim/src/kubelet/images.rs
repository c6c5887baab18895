//! The simulated image registry: well-known images, which tags exist, how big they are and
//! how their containers behave when no command is given. Images of repositories not in the
//! catalogue are assumed to exist and to run a long-lived server (documented difference).

use k8s_openapi::api::core::v1::Container;

use crate::clock::Millis;

/// What a container does when it starts without a `command`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultBehaviour {
    /// Serves until stopped (nginx, redis, the workshop's demo app, …).
    Server,
    /// The default command exits at once with status 0 (busybox's `sh` without a TTY).
    ExitsImmediately,
}

#[derive(Clone, Debug)]
pub struct ImageInfo {
    /// Fully qualified reference as containerd reports it (`docker.io/library/nginx:1.27`).
    pub reference: String,
    pub size_bytes: u64,
    pub behaviour: DefaultBehaviour,
    /// Seconds the process takes to exit on SIGTERM (a shell as PID 1 ignores it).
    pub stop_seconds: u64,
}

struct Repository {
    names: &'static [&'static str],
    size_bytes: u64,
    behaviour: DefaultBehaviour,
    tag_exists: fn(&str) -> bool,
}

fn semver_like(
    tag: &str,
    majors: std::ops::RangeInclusive<u32>,
    minors: std::ops::RangeInclusive<u32>,
) -> bool {
    let base = tag.split('-').next().unwrap_or(tag);
    let parts: Vec<&str> = base.split('.').collect();
    let number = |s: &&str| s.parse::<u32>().ok();
    match parts.as_slice() {
        [major] => number(major).is_some_and(|m| majors.contains(&m)),
        [major, minor] => {
            number(major).is_some_and(|m| majors.contains(&m))
                && number(minor).is_some_and(|m| minors.contains(&m))
        }
        [major, minor, patch] => {
            number(major).is_some_and(|m| majors.contains(&m))
                && number(minor).is_some_and(|m| minors.contains(&m))
                && number(patch).is_some_and(|p| p <= 12)
        }
        _ => false,
    }
}

const REPOSITORIES: &[Repository] = &[
    Repository {
        names: &["nginx", "library/nginx"],
        size_bytes: 72_195_292,
        behaviour: DefaultBehaviour::Server,
        tag_exists: |tag| {
            matches!(
                tag,
                "latest" | "stable" | "mainline" | "alpine" | "stable-alpine" | "mainline-alpine"
            ) || semver_like(tag, 1..=1, 7..=29)
        },
    },
    Repository {
        names: &["httpd", "library/httpd"],
        size_bytes: 58_041_327,
        behaviour: DefaultBehaviour::Server,
        tag_exists: |tag| matches!(tag, "latest" | "alpine") || semver_like(tag, 2..=2, 2..=4),
    },
    Repository {
        names: &["redis", "library/redis"],
        size_bytes: 45_918_270,
        behaviour: DefaultBehaviour::Server,
        tag_exists: |tag| matches!(tag, "latest" | "alpine") || semver_like(tag, 5..=8, 0..=4),
    },
    Repository {
        names: &["busybox", "library/busybox"],
        size_bytes: 2_155_146,
        behaviour: DefaultBehaviour::ExitsImmediately,
        tag_exists: |tag| {
            matches!(tag, "latest" | "stable" | "musl" | "glibc" | "uclibc")
                || semver_like(tag, 1..=1, 24..=37)
        },
    },
    Repository {
        // The busybox of the kubernetes.io probe tasks (an old build, hence the size).
        names: &["registry.k8s.io/busybox", "k8s.gcr.io/busybox"],
        size_bytes: 1_144_547,
        behaviour: DefaultBehaviour::ExitsImmediately,
        tag_exists: |tag| matches!(tag, "latest" | "1.24" | "1.27" | "1.27.2"),
    },
    Repository {
        // The "Assign Memory Resources" task's image: `stress` on Alpine.
        names: &["polinux/stress"],
        size_bytes: 4_041_495,
        behaviour: DefaultBehaviour::Server,
        tag_exists: |tag| matches!(tag, "latest" | "1.0.4"),
    },
    Repository {
        // The Kubernetes e2e test server of the probe tasks (`args: ["liveness"]`).
        names: &["registry.k8s.io/e2e-test-images/agnhost"],
        size_bytes: 51_184_936,
        behaviour: DefaultBehaviour::Server,
        tag_exists: |tag| semver_like(tag, 2..=2, 30..=53),
    },
    Repository {
        names: &["alpine", "library/alpine"],
        size_bytes: 3_623_807,
        behaviour: DefaultBehaviour::ExitsImmediately,
        tag_exists: |tag| matches!(tag, "latest" | "edge") || semver_like(tag, 3..=3, 10..=22),
    },
    Repository {
        names: &["ubuntu", "library/ubuntu"],
        size_bytes: 29_754_422,
        behaviour: DefaultBehaviour::ExitsImmediately,
        tag_exists: |tag| {
            matches!(
                tag,
                "latest" | "jammy" | "noble" | "focal" | "20.04" | "22.04" | "24.04"
            )
        },
    },
    Repository {
        names: &["perl", "library/perl"],
        size_bytes: 336_374_010,
        behaviour: DefaultBehaviour::ExitsImmediately,
        tag_exists: |tag| matches!(tag, "latest" | "slim") || semver_like(tag, 5..=5, 30..=40),
    },
    Repository {
        names: &["demo"],
        size_bytes: 7_331_840,
        behaviour: DefaultBehaviour::Server,
        tag_exists: |tag| matches!(tag, "1.0.0" | "1.1.0" | "2.0.0" | "latest"),
    },
];

/// The status a container's HTTP server answers a probe with after running `running_ms`:
/// 200, except for `agnhost liveness` (the probes task's HTTP example), whose `/healthz`
/// answers 500 once it has run for more than 10 s.
pub fn http_status(container: &Container, running_ms: Millis) -> u16 {
    let (name, _) = split_reference(container.image.as_deref().unwrap_or_default());
    let argv: Vec<&String> = container
        .command
        .iter()
        .flatten()
        .chain(container.args.iter().flatten())
        .collect();
    let liveness_server =
        name.ends_with("/agnhost") && argv.iter().any(|a| a.as_str() == "liveness");
    if liveness_server && running_ms > 10_000 {
        500
    } else {
        200
    }
}

/// Splits `registry/repo:tag` into (repository without docker.io prefix, tag).
fn split_reference(image: &str) -> (String, String) {
    let without_digest = image.split('@').next().unwrap_or(image);
    let (name, tag) = match without_digest.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => (name, tag),
        _ => (without_digest, "latest"),
    };
    let name = name.strip_prefix("docker.io/").unwrap_or(name);
    (name.to_string(), tag.to_string())
}

/// Looks an image up: `Err(message)` when the registry would answer "not found".
pub fn lookup(image: &str) -> Result<ImageInfo, String> {
    let (name, tag) = split_reference(image);
    let qualified = if name.contains('.') || name.contains(':') || name.starts_with("localhost") {
        format!("{name}:{tag}")
    } else if name.contains('/') {
        format!("docker.io/{name}:{tag}")
    } else {
        format!("docker.io/library/{name}:{tag}")
    };
    let repository = REPOSITORIES
        .iter()
        .find(|repo| repo.names.contains(&name.as_str()));
    match repository {
        Some(repo) if !(repo.tag_exists)(&tag) => Err(format!(
            "rpc error: code = NotFound desc = failed to pull and unpack image \"{qualified}\": failed to resolve reference \"{qualified}\": {qualified}: not found"
        )),
        Some(repo) => Ok(ImageInfo {
            reference: qualified,
            size_bytes: repo.size_bytes,
            behaviour: repo.behaviour,
            stop_seconds: if repo.behaviour == DefaultBehaviour::Server {
                0
            } else {
                30
            },
        }),
        None => Ok(ImageInfo {
            reference: qualified,
            size_bytes: 48_000_000,
            behaviour: DefaultBehaviour::Server,
            stop_seconds: 0,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_which_tags_exist() {
        assert!(lookup("nginx:1.27").is_ok());
        assert!(lookup("nginx").is_ok());
        assert!(lookup("nginx:1.161").is_err());
        assert!(lookup("demo:1.0.0").is_ok());
        assert!(lookup("registry.k8s.io/kube-proxy:v1.33.1").is_ok());
        assert_eq!(
            lookup("registry.k8s.io/busybox:1.27.2").map(|i| i.reference),
            Ok("registry.k8s.io/busybox:1.27.2".to_string())
        );
        assert!(lookup("polinux/stress").is_ok());
        assert_eq!(
            lookup("busybox:1.28").map(|i| i.behaviour),
            Ok(DefaultBehaviour::ExitsImmediately)
        );
        assert!(
            lookup("nginx:1.161")
                .unwrap_err()
                .contains("docker.io/library/nginx:1.161: not found")
        );
    }
}
