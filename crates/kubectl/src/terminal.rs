//! The terminal a learner types into: the shell over the simulated cluster. `kubectl` runs
//! the command tree, `kubeplay` the playground's own commands, `sleep` advances virtual
//! time, everything else is the shell's.

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
