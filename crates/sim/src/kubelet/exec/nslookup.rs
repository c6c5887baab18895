//! busybox 1.28's `nslookup HOST` (`networking/nslookup.c` before the 1.29 rewrite), the
//! image the kubernetes.io DNS pages use: the server first, then the host, each printed by
//! `print_host` as `%-10s %s` followed by `Address N: IP[ REVERSE-NAME]` and a blank line.
//! A name nothing answers for is reported on stderr (`can't resolve`) with exit code 1.

use std::fmt::Write;

use super::{Failure, Printed};
use crate::dns::{Address, Resolver};

pub fn run(dns: &Resolver, args: &[String]) -> Result<String, Failure> {
    let Some(host) = args.first() else {
        return Err(Failure::message(
            "kubeplay: interactive nslookup is not simulated; give the name to look up",
            1,
        ));
    };
    let mut stdout = String::new();
    if let Some(server) = dns.nameserver() {
        print_host(
            &mut stdout,
            "Server:",
            &server.ip,
            std::slice::from_ref(&server),
        );
    }
    let addresses = dns.lookup(host);
    if addresses.is_empty() {
        // bb_error_msg flushes stdout first; print_host still ends with its blank line.
        return Err(Failure {
            printed: vec![
                Printed::Stdout(stdout),
                Printed::Stderr(format!("nslookup: can't resolve '{host}'")),
                Printed::Stdout("\n".into()),
            ],
            code: 1,
            not_started: false,
        });
    }
    print_host(&mut stdout, "Name:", host, &addresses);
    Ok(stdout)
}

fn print_host(out: &mut String, header: &str, name: &str, addresses: &[Address]) {
    let _ = writeln!(out, "{header:<10} {name}");
    for (index, address) in addresses.iter().enumerate() {
        let _ = match &address.reverse {
            Some(reverse) => writeln!(out, "Address {}: {} {reverse}", index + 1, address.ip),
            None => writeln!(out, "Address {}: {}", index + 1, address.ip),
        };
    }
    out.push('\n');
}
