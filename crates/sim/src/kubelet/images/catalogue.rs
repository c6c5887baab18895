//! The repositories the simulated registries hold: real images with a curated set of their
//! real tags, their compressed size (linux/amd64), what their default command does, and what
//! their main process does when the kubelet stops it.
//!
//! Stop behaviour, checked image by image (the kubelet sends the image's STOPSIGNAL, SIGTERM
//! unless the image says otherwise; a PID 1 without a handler for it is not killed by the
//! kernel, so it runs on until SIGKILL at the end of the grace period, exit 137):
//! - nginx (STOPSIGNAL SIGQUIT, graceful shutdown), httpd (SIGWINCH, graceful stop), redis
//!   and mysql and mongo (SIGTERM handlers that shut down cleanly), postgres (SIGINT, fast
//!   shutdown), pause (`sigdown` exits 0), etcd, CoreDNS, the kube components and
//!   hashicorp/http-echo (Go programs that `signal.Notify` and shut down): exit 0 at once.
//! - Go programs without `signal.Notify` (agnhost, goproxy, liveness, hello-app): the Go
//!   runtime's handler re-raises SIGTERM with the default action, which the kernel ignores
//!   for PID 1, and then exits with status 2 (`dieFromSignal` in runtime/signal_unix.go).
//! - Shells, busybox applets, `stress`, perl, python, node and the like as PID 1 install no
//!   handler: they ignore SIGTERM and are SIGKILLed after the grace period (137).

/// What a container does when it starts without a `command`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultBehaviour {
    /// Serves until stopped (nginx, redis, the workshop's demo app, …).
    Server,
    /// The default command (a shell or interpreter without a terminal) exits at once with
    /// status 0.
    ExitsImmediately,
}

/// What the image's main process does when the kubelet stops it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnStop {
    /// It handles the stop signal and exits with `code` after `seconds`.
    Exits { code: i32, seconds: u64 },
    /// It ignores it (PID 1 without a handler) until SIGKILL: 137.
    Ignores,
}

impl OnStop {
    /// When (seconds after the signal) and with which status the process ends, given the
    /// grace period: SIGKILL at its end gives 137.
    pub fn outcome(self, grace_seconds: u64) -> (u64, i32) {
        match self {
            OnStop::Exits { code, seconds } if seconds <= grace_seconds => (seconds, code),
            _ => (grace_seconds, 137),
        }
    }
}

/// A clean shutdown on the stop signal.
pub const CLEAN: OnStop = OnStop::Exits {
    code: 0,
    seconds: 0,
};
/// A Go program without a signal handler, as PID 1.
pub const GO_DEFAULT: OnStop = OnStop::Exits {
    code: 2,
    seconds: 0,
};

pub struct Repository {
    /// `host/path` names, the first as containerd reports it.
    pub names: &'static [&'static str],
    pub size_bytes: u64,
    pub behaviour: DefaultBehaviour,
    pub on_stop: OnStop,
    /// Exact tags.
    pub tags: &'static [&'static str],
    /// Version ranges `PREFIX.LOW..HIGH` (`1.27.0..5` is `1.27.0` to `1.27.5`).
    pub versions: &'static [&'static str],
    /// Whether the floating tags of the versions exist too (`1.27` and `1` for `1.27.5`).
    pub floating: bool,
    /// Variant suffixes a version or exact tag may carry (`1.27-alpine`); a variant alone
    /// (`alpine`) is a tag too.
    pub variants: &'static [&'static str],
}

const fn server(
    names: &'static [&'static str],
    size_bytes: u64,
    on_stop: OnStop,
    tags: &'static [&'static str],
) -> Repository {
    Repository {
        names,
        size_bytes,
        behaviour: DefaultBehaviour::Server,
        on_stop,
        tags,
        versions: &[],
        floating: false,
        variants: &[],
    }
}

const KUBE_VERSIONS: &[&str] = &[
    "v1.21.0..14",
    "v1.28.0..15",
    "v1.29.0..15",
    "v1.30.0..14",
    "v1.31.0..10",
    "v1.32.0..6",
    "v1.33.0..2",
];

pub const REPOSITORIES: &[Repository] = &[
    Repository {
        names: &["docker.io/library/nginx"],
        size_bytes: 72_195_292,
        behaviour: DefaultBehaviour::Server,
        on_stop: CLEAN,
        tags: &["latest", "stable", "mainline"],
        versions: &[
            "1.14.0..2",
            "1.15.0..12",
            "1.16.0..1",
            "1.17.0..10",
            "1.18.0..0",
            "1.19.0..10",
            "1.20.0..2",
            "1.21.0..6",
            "1.22.0..1",
            "1.23.0..4",
            "1.24.0..0",
            "1.25.0..5",
            "1.26.0..3",
            "1.27.0..5",
            "1.28.0..0",
            "1.29.0..1",
        ],
        floating: true,
        variants: &[
            "alpine",
            "alpine-slim",
            "perl",
            "alpine-perl",
            "bookworm",
            "bookworm-perl",
            "otel",
        ],
    },
    Repository {
        names: &["docker.io/library/httpd"],
        size_bytes: 58_041_327,
        behaviour: DefaultBehaviour::Server,
        on_stop: CLEAN,
        tags: &["latest"],
        versions: &["2.4.10..63"],
        floating: true,
        variants: &["alpine", "bookworm"],
    },
    Repository {
        names: &["docker.io/library/redis"],
        size_bytes: 45_918_270,
        behaviour: DefaultBehaviour::Server,
        on_stop: CLEAN,
        tags: &["latest"],
        versions: &[
            "5.0.0..14",
            "6.0.0..20",
            "6.2.0..18",
            "7.0.0..15",
            "7.2.0..9",
            "7.4.0..4",
            "8.0.0..2",
        ],
        floating: true,
        variants: &["alpine", "bookworm"],
    },
    Repository {
        names: &["docker.io/library/postgres"],
        size_bytes: 158_316_914,
        behaviour: DefaultBehaviour::Server,
        on_stop: CLEAN,
        tags: &["latest"],
        versions: &[
            "12.0..22", "13.0..21", "14.0..18", "15.0..13", "16.0..9", "17.0..5",
        ],
        floating: true,
        variants: &["alpine", "bookworm", "bullseye"],
    },
    Repository {
        names: &["docker.io/library/mysql"],
        size_bytes: 171_322_450,
        behaviour: DefaultBehaviour::Server,
        on_stop: CLEAN,
        tags: &["latest", "lts", "innovation"],
        versions: &[
            "5.7.4..44",
            "8.0.0..42",
            "8.4.0..5",
            "9.0.0..1",
            "9.1.0..0",
            "9.2.0..0",
            "9.3.0..0",
        ],
        floating: true,
        variants: &["oracle", "debian"],
    },
    Repository {
        names: &["docker.io/library/mongo"],
        size_bytes: 289_653_118,
        behaviour: DefaultBehaviour::Server,
        on_stop: CLEAN,
        tags: &["latest"],
        versions: &[
            "4.4.0..29",
            "5.0.0..31",
            "6.0.0..24",
            "7.0.0..21",
            "8.0.0..10",
        ],
        floating: true,
        variants: &["jammy", "noble", "focal"],
    },
    Repository {
        names: &["docker.io/library/wordpress"],
        size_bytes: 251_067_305,
        behaviour: DefaultBehaviour::Server,
        on_stop: CLEAN,
        tags: &["latest", "apache", "php8.2-apache", "php8.3-apache"],
        versions: &[
            "6.2.0..2", "6.4.0..3", "6.5.0..5", "6.6.0..2", "6.7.0..2", "6.8.0..1",
        ],
        floating: true,
        variants: &["apache", "php8.2-apache", "php8.3-apache"],
    },
    Repository {
        names: &["docker.io/library/busybox"],
        size_bytes: 2_155_146,
        behaviour: DefaultBehaviour::ExitsImmediately,
        on_stop: OnStop::Ignores,
        tags: &["latest", "stable"],
        versions: &[
            "1.24.0..2",
            "1.25.0..1",
            "1.26.0..2",
            "1.27.0..2",
            "1.28.0..4",
            "1.29.0..3",
            "1.30.0..1",
            "1.31.0..1",
            "1.32.0..1",
            "1.33.0..1",
            "1.34.0..1",
            "1.35.0..0",
            "1.36.0..1",
            "1.37.0..0",
        ],
        floating: true,
        variants: &["glibc", "musl", "uclibc"],
    },
    Repository {
        names: &["docker.io/library/alpine"],
        size_bytes: 3_623_807,
        behaviour: DefaultBehaviour::ExitsImmediately,
        on_stop: OnStop::Ignores,
        tags: &["latest", "edge"],
        versions: &[
            "3.10.0..9",
            "3.11.0..13",
            "3.12.0..12",
            "3.13.0..12",
            "3.14.0..10",
            "3.15.0..11",
            "3.16.0..9",
            "3.17.0..10",
            "3.18.0..12",
            "3.19.0..7",
            "3.20.0..6",
            "3.21.0..3",
            "3.22.0..0",
        ],
        floating: true,
        variants: &[],
    },
    Repository {
        names: &["docker.io/library/ubuntu"],
        size_bytes: 29_754_422,
        behaviour: DefaultBehaviour::ExitsImmediately,
        on_stop: OnStop::Ignores,
        tags: &[
            "latest", "rolling", "devel", "bionic", "focal", "jammy", "noble", "oracular",
            "plucky", "18.04", "20.04", "22.04", "24.04", "24.10", "25.04",
        ],
        versions: &[],
        floating: false,
        variants: &[],
    },
    Repository {
        names: &["docker.io/library/debian"],
        size_bytes: 48_494_272,
        behaviour: DefaultBehaviour::ExitsImmediately,
        on_stop: OnStop::Ignores,
        tags: &[
            "latest",
            "stable",
            "oldstable",
            "testing",
            "unstable",
            "sid",
            "buster",
            "bullseye",
            "bookworm",
            "trixie",
        ],
        versions: &["10.0..13", "11.0..11", "12.0..11"],
        floating: true,
        variants: &["slim"],
    },
    Repository {
        names: &["docker.io/library/bash"],
        size_bytes: 6_271_315,
        behaviour: DefaultBehaviour::ExitsImmediately,
        on_stop: OnStop::Ignores,
        tags: &["latest", "devel"],
        versions: &["4.4.0..23", "5.0.0..18", "5.1.0..16", "5.2.0..37"],
        floating: true,
        variants: &[],
    },
    Repository {
        names: &["docker.io/library/perl"],
        size_bytes: 336_374_010,
        behaviour: DefaultBehaviour::ExitsImmediately,
        on_stop: OnStop::Ignores,
        tags: &["latest"],
        versions: &[
            "5.30.0..3",
            "5.32.0..1",
            "5.34.0..3",
            "5.36.0..3",
            "5.38.0..4",
            "5.40.0..2",
        ],
        floating: true,
        variants: &["slim", "threaded"],
    },
    Repository {
        names: &["docker.io/library/python"],
        size_bytes: 372_112_561,
        behaviour: DefaultBehaviour::ExitsImmediately,
        on_stop: OnStop::Ignores,
        tags: &["latest"],
        versions: &[
            "3.8.0..20",
            "3.9.0..23",
            "3.10.0..18",
            "3.11.0..13",
            "3.12.0..11",
            "3.13.0..5",
        ],
        floating: true,
        variants: &["slim", "alpine", "bookworm", "slim-bookworm", "bullseye"],
    },
    Repository {
        names: &["docker.io/library/node"],
        size_bytes: 398_764_210,
        behaviour: DefaultBehaviour::ExitsImmediately,
        on_stop: OnStop::Ignores,
        tags: &["latest", "lts", "current"],
        versions: &[
            "16.20.0..2",
            "18.20.0..8",
            "20.18.0..3",
            "20.19.0..2",
            "22.14.0..0",
            "22.15.0..1",
            "22.16.0..0",
            "23.11.0..1",
            "24.0.0..2",
            "24.1.0..0",
            "24.2.0..0",
        ],
        floating: true,
        variants: &["alpine", "slim", "bookworm", "bookworm-slim", "bullseye"],
    },
    Repository {
        names: &["docker.io/library/golang"],
        size_bytes: 293_551_837,
        behaviour: DefaultBehaviour::ExitsImmediately,
        on_stop: OnStop::Ignores,
        tags: &["latest"],
        versions: &["1.21.0..13", "1.22.0..12", "1.23.0..10", "1.24.0..4"],
        floating: true,
        variants: &["alpine", "bookworm", "bullseye"],
    },
    Repository {
        // The workshop's demo app, loaded into the workshop's kind cluster.
        names: &["docker.io/library/demo"],
        size_bytes: 7_331_840,
        behaviour: DefaultBehaviour::Server,
        on_stop: CLEAN,
        tags: &["1.0.0", "1.1.0", "2.0.0", "latest"],
        versions: &[],
        floating: false,
        variants: &[],
    },
    server(
        &["docker.io/hashicorp/http-echo"],
        3_564_718,
        CLEAN,
        &["latest", "1.0", "1.0.0", "0.2.3"],
    ),
    server(
        // The "Assign Memory Resources" task's image: `stress` on Alpine, PID 1 without
        // a SIGTERM handler.
        &["docker.io/polinux/stress"],
        4_041_495,
        OnStop::Ignores,
        &["latest", "1.0.4"],
    ),
    Repository {
        names: &["docker.io/curlimages/curl"],
        size_bytes: 9_472_358,
        behaviour: DefaultBehaviour::ExitsImmediately,
        on_stop: OnStop::Ignores,
        tags: &["latest"],
        versions: &[
            "8.10.0..1",
            "8.11.0..1",
            "8.12.0..1",
            "8.13.0..0",
            "8.14.0..1",
        ],
        floating: false,
        variants: &[],
    },
    Repository {
        names: &["docker.io/nicolaka/netshoot"],
        size_bytes: 206_112_330,
        behaviour: DefaultBehaviour::ExitsImmediately,
        on_stop: OnStop::Ignores,
        tags: &["latest", "v0.11", "v0.12", "v0.13", "v0.14"],
        versions: &[],
        floating: false,
        variants: &[],
    },
    server(
        // The Kubernetes basics tutorial's app (node's http server as PID 1).
        &[
            "gcr.io/google-samples/kubernetes-bootcamp",
            "docker.io/jocatalin/kubernetes-bootcamp",
        ],
        79_616_154,
        OnStop::Ignores,
        &["v1", "v2"],
    ),
    server(
        &[
            "gcr.io/google-samples/hello-app",
            "us-docker.pkg.dev/google-samples/containers/gke/hello-app",
        ],
        4_397_391,
        GO_DEFAULT,
        &["1.0", "2.0"],
    ),
    // registry.k8s.io, also served under its old name k8s.gcr.io.
    Repository {
        // The Kubernetes e2e test server of the probe tasks (`args: ["liveness"]`).
        names: &[
            "registry.k8s.io/e2e-test-images/agnhost",
            "k8s.gcr.io/e2e-test-images/agnhost",
        ],
        size_bytes: 51_184_936,
        behaviour: DefaultBehaviour::Server,
        on_stop: GO_DEFAULT,
        tags: &[],
        versions: &["2.20..53"],
        floating: false,
        variants: &[],
    },
    Repository {
        // The busybox of the kubernetes.io probe tasks (an old build, hence the size).
        names: &["registry.k8s.io/busybox", "k8s.gcr.io/busybox"],
        size_bytes: 1_144_547,
        behaviour: DefaultBehaviour::ExitsImmediately,
        on_stop: OnStop::Ignores,
        tags: &["latest", "1.24", "1.27", "1.27.2"],
        versions: &[],
        floating: false,
        variants: &[],
    },
    server(
        &["registry.k8s.io/pause", "k8s.gcr.io/pause"],
        321_520,
        CLEAN,
        &[
            "3.1", "3.2", "3.3", "3.4.1", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10",
        ],
    ),
    Repository {
        names: &["registry.k8s.io/nginx-slim", "k8s.gcr.io/nginx-slim"],
        size_bytes: 19_283_466,
        behaviour: DefaultBehaviour::Server,
        on_stop: CLEAN,
        tags: &["0.8"],
        versions: &["0.20..27"],
        floating: false,
        variants: &[],
    },
    server(
        // The TCP probe example of the probes task.
        &["registry.k8s.io/goproxy", "k8s.gcr.io/goproxy"],
        2_961_134,
        GO_DEFAULT,
        &["0.1"],
    ),
    server(
        // The HTTP probe example of older kubernetes.io pages (`args: ["/server"]`).
        &["registry.k8s.io/liveness", "k8s.gcr.io/liveness"],
        4_432_011,
        GO_DEFAULT,
        &["latest"],
    ),
    server(
        &["registry.k8s.io/echoserver", "k8s.gcr.io/echoserver"],
        46_136_928,
        CLEAN,
        &["1.4", "1.10"],
    ),
    server(
        &["registry.k8s.io/hpa-example", "k8s.gcr.io/hpa-example"],
        181_526_384,
        CLEAN,
        &["latest"],
    ),
    server(
        &["registry.k8s.io/etcd", "k8s.gcr.io/etcd"],
        57_680_541,
        CLEAN,
        &[
            "3.4.13-0", "3.5.0-0", "3.5.1-0", "3.5.6-0", "3.5.9-0", "3.5.12-0", "3.5.15-0",
            "3.5.16-0", "3.5.21-0", "3.6.1-1",
        ],
    ),
    server(
        &[
            "registry.k8s.io/coredns/coredns",
            "k8s.gcr.io/coredns/coredns",
        ],
        19_815_022,
        CLEAN,
        &[
            "v1.8.0", "v1.8.6", "v1.9.3", "v1.10.1", "v1.11.1", "v1.11.3", "v1.12.0",
        ],
    ),
    Repository {
        names: &["registry.k8s.io/kube-proxy", "k8s.gcr.io/kube-proxy"],
        size_bytes: 30_898_216,
        behaviour: DefaultBehaviour::Server,
        on_stop: CLEAN,
        tags: &[],
        versions: KUBE_VERSIONS,
        floating: false,
        variants: &[],
    },
    Repository {
        names: &[
            "registry.k8s.io/kube-apiserver",
            "k8s.gcr.io/kube-apiserver",
        ],
        size_bytes: 30_075_487,
        behaviour: DefaultBehaviour::Server,
        on_stop: CLEAN,
        tags: &[],
        versions: KUBE_VERSIONS,
        floating: false,
        variants: &[],
    },
    Repository {
        names: &[
            "registry.k8s.io/kube-controller-manager",
            "k8s.gcr.io/kube-controller-manager",
        ],
        size_bytes: 27_651_120,
        behaviour: DefaultBehaviour::Server,
        on_stop: CLEAN,
        tags: &[],
        versions: KUBE_VERSIONS,
        floating: false,
        variants: &[],
    },
    Repository {
        names: &[
            "registry.k8s.io/kube-scheduler",
            "k8s.gcr.io/kube-scheduler",
        ],
        size_bytes: 21_797_318,
        behaviour: DefaultBehaviour::Server,
        on_stop: CLEAN,
        tags: &[],
        versions: KUBE_VERSIONS,
        floating: false,
        variants: &[],
    },
    // What kind's node image carries.
    server(
        &["docker.io/kindest/kindnetd"],
        44_375_501,
        CLEAN,
        &["v20250512-df8de77b", "v20250214-acbabc1a"],
    ),
    server(
        &["docker.io/kindest/local-path-provisioner"],
        22_541_737,
        CLEAN,
        &["v20250214-acbabc1a", "v20241212-8ac705d0"],
    ),
    server(
        &["docker.io/kindest/local-path-helper"],
        3_084_671,
        OnStop::Ignores,
        &["v20241212-8ac705d0", "v20250214-acbabc1a"],
    ),
];

impl Repository {
    /// Whether `tag` is one of the repository's tags.
    pub fn has_tag(&self, tag: &str) -> bool {
        if self.base_tag(tag) || self.variants.contains(&tag) {
            return true;
        }
        self.variants.iter().any(|variant| {
            tag.strip_suffix(variant)
                .and_then(|base| base.strip_suffix('-'))
                .is_some_and(|base| self.base_tag(base))
        })
    }

    fn base_tag(&self, tag: &str) -> bool {
        self.tags.contains(&tag) || self.versions.iter().any(|range| self.in_range(range, tag))
    }

    /// `1.27.0..5` holds `1.27.0` … `1.27.5` (and `1.27`, `1` when floating tags exist).
    fn in_range(&self, range: &str, tag: &str) -> bool {
        let Some((first, high)) = range.split_once("..") else {
            return false;
        };
        let Some((prefix, low)) = first.rsplit_once('.') else {
            return false;
        };
        let (Ok(low), Ok(high)) = (low.parse::<u32>(), high.parse::<u32>()) else {
            return false;
        };
        if let Some(last) = tag
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('.'))
        {
            // No leading zeros: `1.27.05` is not a tag.
            return last
                .parse::<u32>()
                .is_ok_and(|n| (low..=high).contains(&n) && n.to_string() == last);
        }
        self.floating
            && (prefix == tag
                || prefix
                    .strip_prefix(tag)
                    .is_some_and(|rest| rest.starts_with('.')))
    }
}
