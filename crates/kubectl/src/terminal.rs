//! The terminal a learner types into: the shell over the simulated cluster. `kubectl` runs
//! the command tree, `kubeplay` the playground's own commands, `sleep` advances virtual
//! time, everything else is the shell's. [`Terminal::query`] runs read-only command lines
//! (lesson checks) that can change nothing: not the cluster, not the clock, not the shell.

use kubeplay_shell::{Execution, Host, ProgramOutput, Shell, VirtualFs};
use kubeplay_sim::Cluster;

use crate::session::{FileFallback, Session};

/// The learner's home directory inside the playground.
pub const HOME: &str = "/home/learner";

pub struct Terminal {
    pub cluster: Cluster,
    shell: Shell,
    fallback: Box<FileFallback>,
}

struct ClusterHost<'a> {
    cluster: &'a mut Cluster,
    fallback: &'a FileFallback,
}

impl Host for ClusterHost<'_> {
    fn run(&mut self, argv: &[String], stdin: &str, fs: &mut VirtualFs) -> Option<ProgramOutput> {
        match argv.first().map(String::as_str) {
            Some("kubectl" | "k") => {
                let mut session = Session {
                    cluster: self.cluster,
                    fs,
                    fallback: self.fallback,
                };
                Some(crate::commands::run(&argv[1..], stdin, &mut session).into_program_output())
            }
            Some("kubeplay") => {
                let mut session = Session {
                    cluster: self.cluster,
                    fs,
                    fallback: self.fallback,
                };
                Some(crate::kubeplay::run(&argv[1..], &mut session).into_program_output())
            }
            _ => None,
        }
    }

    fn sleep(&mut self, duration_ms: u64) {
        self.cluster.advance(duration_ms);
    }

    fn programs(&self) -> Vec<String> {
        vec!["kubectl".into(), "kubeplay".into()]
    }
}

/// kubectl commands a query may run: they read the store and write nothing.
const READ_ONLY_KUBECTL: &[&str] = &["get", "logs"];

/// The host of [`Terminal::query`]: only read-only kubectl commands, and `sleep` stands still.
struct QueryHost<'a> {
    cluster: &'a mut Cluster,
    fallback: &'a FileFallback,
}

impl Host for QueryHost<'_> {
    fn run(&mut self, argv: &[String], stdin: &str, fs: &mut VirtualFs) -> Option<ProgramOutput> {
        let refuse = |what: &str| {
            Some(ProgramOutput {
                chunks: vec![kubeplay_shell::Chunk::stderr(format!(
                    "{what} cannot run in a check: checks only read the cluster (kubectl {})\n",
                    READ_ONLY_KUBECTL.join(", kubectl ")
                ))],
                status: 1,
            })
        };
        match argv.first().map(String::as_str) {
            Some("kubectl" | "k") => {
                let (rest, _) = crate::args::split_command(&argv[1..]);
                let verb = rest.first().map(String::as_str).unwrap_or_default();
                if !READ_ONLY_KUBECTL.contains(&verb) {
                    return refuse(&format!("kubectl {verb}"));
                }
                let mut session = Session {
                    cluster: self.cluster,
                    fs,
                    fallback: self.fallback,
                };
                Some(crate::commands::run(&argv[1..], stdin, &mut session).into_program_output())
            }
            Some("kubeplay") => refuse("kubeplay"),
            _ => None,
        }
    }

    /// Checks never advance virtual time.
    fn sleep(&mut self, _duration_ms: u64) {}
}

impl Terminal {
    /// A terminal over `cluster`; `fallback` reads files outside the virtual home (the CLI
    /// reads the script's folder; the browser has none).
    pub fn new(cluster: Cluster, fallback: Box<FileFallback>) -> Terminal {
        Terminal {
            cluster,
            shell: Shell::new(HOME),
            fallback,
        }
    }

    /// Runs one command (which may span several lines, e.g. with a heredoc).
    pub fn execute(&mut self, command: &str) -> Execution {
        let mut host = ClusterHost {
            cluster: &mut self.cluster,
            fallback: self.fallback.as_ref(),
        };
        let execution = self.shell.execute(command, &mut host);
        self.cluster.settle();
        execution
    }

    /// Runs a read-only command line, e.g. a lesson check such as
    /// `kubectl -n dev get deployment demo -o jsonpath={.status.readyReplicas}`: on a copy of
    /// the shell (so it sees the learner's variables and files, and what it sets is thrown
    /// away), with kubectl limited to commands that read, `kubeplay` refused, and `sleep`
    /// standing still. The cluster is not settled afterwards: nothing was written.
    pub fn query(&mut self, command: &str) -> Execution {
        let mut shell = self.shell.clone();
        let mut host = QueryHost {
            cluster: &mut self.cluster,
            fallback: self.fallback.as_ref(),
        };
        shell.execute(command, &mut host)
    }

    pub fn shell(&self) -> &Shell {
        &self.shell
    }

    /// Runs `kubectl ARGS…` directly with `stdin` (the playground's Apply button is
    /// `kubectl apply -f -` with the editor's text).
    pub fn kubectl(&mut self, args: &[&str], stdin: &str) -> ProgramOutput {
        let argv: Vec<String> = args.iter().map(|a| (*a).to_string()).collect();
        let mut session = Session {
            cluster: &mut self.cluster,
            fs: self.shell.fs_mut(),
            fallback: self.fallback.as_ref(),
        };
        let output = crate::commands::run(&argv, stdin, &mut session).into_program_output();
        self.cluster.settle();
        output
    }

    /// Runs `kubeplay ARGS…` directly (the playground reads `kubeplay fit` this way).
    pub fn kubeplay(&mut self, args: &[&str]) -> ProgramOutput {
        let argv: Vec<String> = args.iter().map(|a| (*a).to_string()).collect();
        let mut session = Session {
            cluster: &mut self.cluster,
            fs: self.shell.fs_mut(),
            fallback: self.fallback.as_ref(),
        };
        let output = crate::kubeplay::run(&argv, &mut session).into_program_output();
        self.cluster.settle();
        output
    }
}
