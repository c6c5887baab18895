//! `watch [-n SECONDS] [-t] [-g] [-e] COMMAND…` as procps-ng's `watch` runs it: the command
//! (its words joined, run by the shell as `sh -c` would) again and again, each time under the
//! header `Every 2.0s: COMMAND` with the host's name and time at the right of an 80-column
//! line, then a blank line and the output. Between runs it sleeps through the host, so virtual
//! time passes and a page can show each refresh as it comes; it ends when interrupted, when a
//! `timeout` around it expires, with `-g` when the output changes, or with `-e` on an error.
//!
//! Each refresh starts with a repaint mark ([`crate::Stream::Repaint`]): the page shows one
//! frame, replaced at every refresh as a real `watch` repaints its screen; a script's
//! transcript has no screen, so there each refresh follows the previous one.

use crate::exec::Exec;
use crate::interval::Interval;
use crate::output::Output;
use crate::{Chunk, Stream};

/// The width procps lays the header out to when it cannot ask a terminal.
const WIDTH: usize = 80;

const USAGE: &str = "
Usage:
 watch [options] command

Options:
  -b, --beep             beep if command has a non-zero exit
  -c, --color            interpret ANSI color and style sequences
  -d, --differences[=<permanent>]
                         highlight changes between updates
  -e, --errexit          exit if command has a non-zero exit
  -g, --chgexit          exit when output from command changes
  -n, --interval <secs>  seconds to wait between updates
  -p, --precise          attempt run command in precise intervals
  -t, --no-title         turn off header
  -w, --no-wrap          turn off line wrapping
  -x, --exec             pass command to exec instead of \"sh -c\"

 -h, --help     display this help and exit
 -v, --version  output version information and exit

For more details see watch(1).
";

struct Request {
    interval: Interval,
    title: bool,
    until_change: bool,
    until_error: bool,
    command: String,
}

fn parse(args: &[String]) -> Result<Request, String> {
    let mut request = Request {
        interval: Interval::parse("2").unwrap_or(Interval::ZERO),
        title: true,
        until_change: false,
        until_error: false,
        command: String::new(),
    };
    let mut rest = args.iter();
    let mut words: Vec<String> = Vec::new();
    while let Some(arg) = rest.next() {
        // Options end at the first operand: the rest is the command's.
        if !words.is_empty() || !arg.starts_with('-') || arg == "-" {
            words.push(arg.clone());
            words.extend(rest.by_ref().cloned());
            break;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_string())),
            _ if !arg.starts_with("--") && arg.len() > 2 && arg.starts_with("-n") => {
                ("-n", Some(arg[2..].to_string()))
            }
            _ => (arg.as_str(), None),
        };
        match flag {
            "--" => {
                words.extend(rest.by_ref().cloned());
                break;
            }
            "-n" | "--interval" => {
                let Some(value) = inline.or_else(|| rest.next().cloned()) else {
                    return Err(format!(
                        "watch: option requires an argument -- 'n'\n{USAGE}"
                    ));
                };
                let seconds: f64 = value
                    .replace(',', ".")
                    .parse()
                    .map_err(|_| format!("watch: failed to parse argument: '{value}'\n"))?;
                // procps never waits less than a tenth of a second.
                let seconds = if seconds.is_finite() {
                    seconds.max(0.1)
                } else {
                    0.1
                };
                request.interval = Interval::parse(&format!("{seconds}")).unwrap_or(Interval::ZERO);
            }
            "-t" | "--no-title" => request.title = false,
            "-g" | "--chgexit" => request.until_change = true,
            "-e" | "--errexit" => request.until_error = true,
            "-b" | "--beep" | "-c" | "--color" | "-d" | "--differences" | "-p" | "--precise"
            | "-w" | "--no-wrap" | "-x" | "--exec" => {}
            "-h" | "--help" => return Err(USAGE.trim_start().to_string()),
            cluster if !cluster.starts_with("--") && cluster.len() > 2 => {
                // `-tg`: several flags in one word.
                for letter in cluster.chars().skip(1) {
                    match letter {
                        't' => request.title = false,
                        'g' => request.until_change = true,
                        'e' => request.until_error = true,
                        'b' | 'c' | 'd' | 'p' | 'w' | 'x' => {}
                        other => {
                            return Err(format!("watch: invalid option -- '{other}'\n{USAGE}"));
                        }
                    }
                }
            }
            other => {
                let shown = other.trim_start_matches('-');
                return Err(if other.starts_with("--") {
                    format!("watch: unrecognized option '{other}'\n{USAGE}")
                } else {
                    format!("watch: invalid option -- '{shown}'\n{USAGE}")
                });
            }
        }
    }
    if words.is_empty() {
        return Err(USAGE.to_string());
    }
    request.command = words.join(" ");
    Ok(request)
}

pub(crate) fn watch(exec: &mut Exec, args: &[String], out: &mut Output) -> i32 {
    let request = match parse(args) {
        Ok(request) => request,
        Err(text) => {
            out.err(&text);
            return 1;
        }
    };
    let mut previous: Option<String> = None;
    loop {
        if !exec.iterate() {
            return 0;
        }
        // Each refresh repaints the screen (curses' clear), so the page shows one frame.
        out.repaint();
        if request.title {
            let header = header(exec, &request);
            out.out(&header);
        }
        let mut run = Output::at(exec.host.elapsed_ms());
        // The command runs in a child `sh -c`: what it sets does not outlive it.
        let (vars, arrays) = (exec.shell.vars.clone(), exec.shell.arrays.clone());
        let status = exec.run_nested_source(&request.command, "", &mut run);
        (exec.shell.vars, exec.shell.arrays) = (vars, arrays);
        let chunks = run.finish();
        let stdout: String = chunks
            .iter()
            .filter(|c| c.stream == Stream::Stdout)
            .map(|c| c.text.as_str())
            .collect();
        out.extend(chunks);
        if exec.stopped() {
            return 0;
        }
        if request.until_error && status != 0 {
            out.err("\ncommand exit with a non-zero status, press a key to exit\n");
            return 8;
        }
        if request.until_change && previous.as_ref().is_some_and(|p| *p != stdout) {
            return 0;
        }
        previous = Some(stdout);
        let slept = exec.host.sleep(request.interval, &mut exec.shell.fs);
        let status = slept.status;
        out.extend(slept.chunks);
        if status != 0 || exec.stopped() {
            return status;
        }
    }
}

/// `Every 2.0s: COMMAND` at the left, `HOST: TIME` at the right, then a blank line.
fn header(exec: &mut Exec, request: &Request) -> String {
    let left = format!(
        "Every {:.1}s: {}",
        request.interval.seconds(),
        request.command
    );
    let ask = |exec: &mut Exec, argv: &[&str]| -> String {
        let argv: Vec<String> = argv.iter().map(|a| (*a).to_string()).collect();
        exec.host
            .run(&argv, "", &mut exec.shell.fs)
            .map(|output| {
                output
                    .chunks
                    .iter()
                    .filter(|c: &&Chunk| c.stream == Stream::Stdout)
                    .map(|c| c.text.trim_end().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let host = ask(exec, &["hostname"]);
    let time = ask(exec, &["date", "+%a %b %e %H:%M:%S %Y"]);
    let right = [host, time]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(": ");
    if right.is_empty() {
        return format!("{left}\n\n");
    }
    let room = WIDTH.saturating_sub(right.chars().count() + 1);
    let left: String = if left.chars().count() > room {
        let kept: String = left.chars().take(room.saturating_sub(3)).collect();
        format!("{kept}...")
    } else {
        left
    };
    let pad = WIDTH.saturating_sub(left.chars().count() + right.chars().count());
    format!("{left}{}{right}\n\n", " ".repeat(pad.max(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|a| (*a).to_string()).collect()
    }

    #[test]
    fn reads_options_until_the_command() {
        let Ok(request) = parse(&strings(&[
            "-n", "5", "-t", "kubectl", "get", "-n", "x", "pods",
        ])) else {
            panic!("valid");
        };
        assert_eq!(request.interval.seconds(), 5.0);
        assert!(!request.title);
        assert_eq!(request.command, "kubectl get -n x pods");
        let Ok(request) = parse(&strings(&["-n0", "date"])) else {
            panic!("valid");
        };
        assert_eq!(request.interval.seconds(), 0.1);
        assert!(parse(&strings(&[])).is_err_and(|e| e.starts_with("\nUsage:")));
        assert!(
            parse(&strings(&["-n", "x", "date"]))
                .is_err_and(|e| e == "watch: failed to parse argument: 'x'\n")
        );
        assert!(
            parse(&strings(&["-z", "date"]))
                .is_err_and(|e| e.starts_with("watch: invalid option -- 'z'\n"))
        );
    }
}
