//! The simulated registries: which images exist (`catalogue`), how references are
//! normalised as containerd does, and the errors a pull of a missing image fails with.
//!
//! Docker Hub, registry.k8s.io (and its old name k8s.gcr.io) and the Google sample
//! repositories are simulated as a whole: a repository missing from the catalogue does not
//! exist, and neither does a tag the catalogue does not list for a repository it knows. An
//! image on any other registry (a learner's own, `registry.example.com/team/app:1`) is
//! assumed to exist, as is a Docker Hub repository outside the catalogue when the pod has
//! `imagePullSecrets` (a private repository we cannot see); both run a long-lived server.

mod catalogue;
pub mod filesystems;

use k8s_openapi::api::core::v1::Container;

use catalogue::{CLEAN, REPOSITORIES};
pub use catalogue::{DefaultBehaviour, OnStop};

use crate::clock::Millis;

#[derive(Clone, Debug)]
pub struct ImageInfo {
    /// Fully qualified reference as containerd reports it (`docker.io/library/nginx:1.27`).
    pub reference: String,
    pub size_bytes: u64,
    pub behaviour: DefaultBehaviour,
    pub on_stop: OnStop,
}

/// Why a pull fails, as containerd answers the kubelet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PullError {
    /// The registry knows the repository but not the tag (HTTP 404 on the manifest).
    NotFound { reference: String },
    /// Docker Hub answers an anonymous pull of a repository that does not exist exactly as
    /// one of a private repository: 401 `insufficient_scope`.
    AccessDenied { reference: String },
}

impl std::fmt::Display for PullError {
    /// The error text the kubelet puts in its `Failed` event and the waiting message. The
    /// CRI client strips `rpc error: code = Unknown desc = ` from unknown-status errors but
    /// keeps other codes (`pullImageV1` in k8s.io/cri-client's `remote_image.go`, v1.33).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PullError::NotFound { reference } => write!(
                f,
                "rpc error: code = NotFound desc = failed to pull and unpack image \"{reference}\": failed to resolve reference \"{reference}\": {reference}: not found"
            ),
            PullError::AccessDenied { reference } => write!(
                f,
                "failed to pull and unpack image \"{reference}\": failed to resolve reference \"{reference}\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed"
            ),
        }
    }
}

/// Registries whose whole content the catalogue describes.
const SIMULATED_HOSTS: &[&str] = &["docker.io", "registry.k8s.io", "k8s.gcr.io"];
/// Repository prefixes on other registries that the catalogue describes.
const SIMULATED_NAMESPACES: &[&str] = &[
    "gcr.io/google-samples/",
    "us-docker.pkg.dev/google-samples/",
];

/// An image reference split as containerd's `docker.ParseNormalizedNamed` does.
struct Reference {
    /// `docker.io/library/nginx`, `registry.k8s.io/pause`.
    repository: String,
    tag: String,
}

impl Reference {
    fn parse(image: &str) -> Reference {
        let without_digest = image.split('@').next().unwrap_or(image);
        let (name, tag) = match without_digest.rsplit_once(':') {
            Some((name, tag)) if !tag.contains('/') => (name, tag),
            _ => (without_digest, "latest"),
        };
        let first = name.split('/').next().unwrap_or_default();
        let has_host = name.contains('/') && (first.contains(['.', ':']) || first == "localhost");
        let repository = if has_host {
            let name = name
                .strip_prefix("index.docker.io/")
                .map(|rest| format!("docker.io/{rest}"))
                .unwrap_or_else(|| name.to_string());
            match name.strip_prefix("docker.io/") {
                Some(rest) if !rest.contains('/') => format!("docker.io/library/{rest}"),
                _ => name,
            }
        } else if name.contains('/') {
            format!("docker.io/{name}")
        } else {
            format!("docker.io/library/{name}")
        };
        Reference {
            repository,
            tag: tag.to_string(),
        }
    }

    fn qualified(&self) -> String {
        format!("{}:{}", self.repository, self.tag)
    }

    fn simulated(&self) -> bool {
        let host = self.repository.split('/').next().unwrap_or_default();
        SIMULATED_HOSTS.contains(&host)
            || SIMULATED_NAMESPACES
                .iter()
                .any(|ns| self.repository.starts_with(ns))
    }
}

/// The fully qualified reference containerd reports for `image`.
pub fn qualified(image: &str) -> String {
    Reference::parse(image).qualified()
}

/// What the runtime reports as a running image's ID (`containerStatuses[].imageID`): its
/// repository and the digest its tag resolved to — the same for every container that runs
/// the image (the digest is drawn from the image's name, not from the cluster's source), or
/// the digest the image was named by.
pub fn image_id(image: &str) -> String {
    let reference = Reference::parse(image);
    let digest = match image.split_once("@sha256:") {
        Some((_, digest)) => digest.to_string(),
        None => crate::rng::SimRng::keyed(&reference.qualified()).hex(64),
    };
    format!("{}@sha256:{digest}", reference.repository)
}

/// Looks an image up; `credentials` says whether the pod has `imagePullSecrets`.
pub fn lookup(image: &str, credentials: bool) -> Result<ImageInfo, PullError> {
    let reference = Reference::parse(image);
    let qualified = reference.qualified();
    let repository = REPOSITORIES
        .iter()
        .find(|repo| repo.names.contains(&reference.repository.as_str()));
    match repository {
        Some(repo) if repo.has_tag(&reference.tag) => Ok(ImageInfo {
            reference: qualified,
            size_bytes: repo.size_bytes,
            behaviour: repo.behaviour,
            on_stop: repo.on_stop,
        }),
        Some(_) => Err(PullError::NotFound {
            reference: qualified,
        }),
        None if !reference.simulated() => Ok(assumed(qualified)),
        None if reference.repository.starts_with("docker.io/") => {
            if credentials && !reference.repository.starts_with("docker.io/library/") {
                Ok(assumed(qualified))
            } else {
                Err(PullError::AccessDenied {
                    reference: qualified,
                })
            }
        }
        None => Err(PullError::NotFound {
            reference: qualified,
        }),
    }
}

/// An image we cannot see into: a long-lived server that stops cleanly.
fn assumed(reference: String) -> ImageInfo {
    ImageInfo {
        reference,
        size_bytes: 48_000_000,
        behaviour: DefaultBehaviour::Server,
        on_stop: CLEAN,
    }
}

/// The status a container's HTTP server answers a probe with after running `running_ms`:
/// 200, except for `agnhost liveness` (the probes task's HTTP example), whose `/healthz`
/// answers 500 once it has run for more than 10 s.
pub fn http_status(container: &Container, running_ms: Millis) -> u16 {
    let reference = Reference::parse(container.image.as_deref().unwrap_or_default());
    let argv: Vec<&String> = container
        .command
        .iter()
        .flatten()
        .chain(container.args.iter().flatten())
        .collect();
    let liveness_server =
        reference.repository.ends_with("/agnhost") && argv.iter().any(|a| a.as_str() == "liveness");
    if liveness_server && running_ms > 10_000 {
        500
    } else {
        200
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exists(image: &str) -> bool {
        lookup(image, false).is_ok()
    }

    #[test]
    fn an_image_id_is_the_repository_and_the_digest_of_the_tag() {
        let id = image_id("nginx:1.27");
        assert_eq!(id, image_id("docker.io/library/nginx:1.27"));
        let digest = id
            .strip_prefix("docker.io/library/nginx@sha256:")
            .expect("the repository, no tag");
        assert_eq!(digest.len(), 64);
        assert_ne!(id, image_id("nginx:1.28"));
        assert_eq!(
            image_id("busybox@sha256:0123abcd"),
            "docker.io/library/busybox@sha256:0123abcd"
        );
    }

    #[test]
    fn knows_which_tags_exist() {
        for image in [
            "nginx",
            "nginx:1.27",
            "nginx:1.27.5",
            "nginx:1",
            "nginx:1.27-alpine",
            "nginx:stable-alpine",
            "nginx:alpine",
            "docker.io/library/nginx:1.25.3",
            "demo:1.0.0",
            "busybox:1.28",
            "busybox:1.36.1-musl",
            "polinux/stress",
            "registry.k8s.io/kube-proxy:v1.33.1",
            "k8s.gcr.io/kube-proxy:v1.21.1",
            "registry.k8s.io/e2e-test-images/agnhost:2.40",
            "registry.k8s.io/busybox:1.27.2",
            "postgres:16.4-alpine",
            "python:3.12-slim",
            "docker.io/library/bash:5",
            "hashicorp/http-echo:1.0",
            "perl:5.34.0",
        ] {
            assert!(exists(image), "{image}");
        }
        for image in [
            "nginx:1.161",
            "nginx:1.27.6",
            "nginx:1.27.05",
            "ngnix:latest",
            "ngnix",
            "busybox:1.99",
            "registry.k8s.io/e2e-test-images/agnhost:2",
            "registry.k8s.io/kube-proxy:v1.33",
            "registry.k8s.io/no-such-image:1.0",
            "someone/app:1.0",
        ] {
            assert!(!exists(image), "{image}");
        }
    }

    #[test]
    fn fails_with_containerds_messages() {
        assert_eq!(
            lookup("ngnix:latest", false).unwrap_err().to_string(),
            "failed to pull and unpack image \"docker.io/library/ngnix:latest\": failed to resolve reference \"docker.io/library/ngnix:latest\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed"
        );
        assert_eq!(
            lookup("nginx:1.161", false).unwrap_err().to_string(),
            "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:1.161\": failed to resolve reference \"docker.io/library/nginx:1.161\": docker.io/library/nginx:1.161: not found"
        );
    }

    #[test]
    fn private_images_are_assumed_to_exist() {
        assert!(exists("registry.example.com/team/app:1.0"));
        assert!(exists("localhost:5000/app"));
        assert!(lookup("someone/app:1.0", true).is_ok());
        // Credentials do not make a typo of an official image exist.
        assert!(lookup("ngnix", true).is_err());
    }

    #[test]
    fn normalises_references_as_containerd() {
        assert_eq!(qualified("nginx"), "docker.io/library/nginx:latest");
        assert_eq!(
            qualified("polinux/stress"),
            "docker.io/polinux/stress:latest"
        );
        assert_eq!(
            qualified("docker.io/nginx:1.27"),
            "docker.io/library/nginx:1.27"
        );
        assert_eq!(
            qualified("registry.k8s.io/busybox:1.27.2"),
            "registry.k8s.io/busybox:1.27.2"
        );
        assert_eq!(qualified("localhost:5000/app"), "localhost:5000/app:latest");
        assert_eq!(
            lookup("busybox:1.28", false).map(|i| i.behaviour),
            Ok(DefaultBehaviour::ExitsImmediately)
        );
    }
}
