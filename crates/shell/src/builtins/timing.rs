//! `sleep` and `timeout`, which pass virtual time through the host. Their parsing and
//! messages are GNU coreutils' (`sleep.c`, `timeout.c`) in the C locale.

use crate::exec::Exec;
use crate::interval::Interval;
use crate::output::Output;

const SLEEP_HELP: &str = "Usage: sleep NUMBER[SUFFIX]...
  or:  sleep OPTION
Pause for NUMBER seconds.  SUFFIX may be 's' for seconds (the default),
'm' for minutes, 'h' for hours or 'd' for days.  NUMBER need not be an
integer.  Given two or more arguments, pause for the amount of time
specified by the sum of their values.

      --help        display this help and exit
      --version     output version information and exit

GNU coreutils online help: <https://www.gnu.org/software/coreutils/>
Full documentation <https://www.gnu.org/software/coreutils/sleep>
or available locally via: info '(coreutils) sleep invocation'
";

/// Exit status of `timeout` when the command timed out, and when `timeout` itself failed.
const TIMED_OUT: i32 = 124;
const CANCELED: i32 = 125;

/// What `sleep ARGS…` asks for: the sum of its operands, help text, or the error text GNU
/// prints (already including the "Try" line) with status 1.
#[derive(Debug, PartialEq)]
pub enum SleepRequest {
    Sleep(Interval),
    Help(&'static str),
    Invalid(String),
}

/// GNU's `quote()` in the C locale: single quotes, with `'` and `\` escaped.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// Parses `sleep`'s command line as `sleep.c` does: GNU standard options only (`--help`,
/// `--version`, `--`), then every operand, reporting each invalid one.
pub fn parse_sleep(args: &[String]) -> SleepRequest {
    let try_help = "Try 'sleep --help' for more information.\n";
    let mut operands = Vec::new();
    let mut options_done = false;
    for arg in args {
        if options_done || arg == "-" || !arg.starts_with('-') {
            operands.push(arg.as_str());
            continue;
        }
        match arg.as_str() {
            "--" => options_done = true,
            "--help" => return SleepRequest::Help(SLEEP_HELP),
            "--version" => return SleepRequest::Help("sleep (GNU coreutils) 9.1\n"),
            long if long.starts_with("--") => {
                return SleepRequest::Invalid(format!(
                    "sleep: unrecognized option {}\n{try_help}",
                    quote(long)
                ));
            }
            short => {
                let flag = short.chars().nth(1).unwrap_or('-');
                return SleepRequest::Invalid(format!(
                    "sleep: invalid option -- '{flag}'\n{try_help}"
                ));
            }
        }
    }
    if operands.is_empty() {
        return SleepRequest::Invalid(format!("sleep: missing operand\n{try_help}"));
    }
    let mut errors = String::new();
    let mut intervals = Vec::new();
    for operand in operands {
        match Interval::parse(operand) {
            Some(interval) => intervals.push(interval),
            None => errors.push_str(&format!(
                "sleep: invalid time interval {}\n",
                quote(operand)
            )),
        }
    }
    if errors.is_empty() {
        SleepRequest::Sleep(Interval::sum(intervals))
    } else {
        SleepRequest::Invalid(format!("{errors}{try_help}"))
    }
}

pub(crate) fn sleep(exec: &mut Exec, args: &[String], out: &mut Output) -> i32 {
    match parse_sleep(args) {
        SleepRequest::Sleep(interval) => {
            let result = exec.host.sleep(interval, &mut exec.shell.fs);
            out.extend(result.chunks);
            result.status
        }
        SleepRequest::Help(text) => {
            out.out(text);
            0
        }
        SleepRequest::Invalid(text) => {
            out.err(&text);
            1
        }
    }
}

/// `timeout`'s options and operands.
#[derive(Debug, PartialEq)]
pub struct TimeoutRequest {
    pub duration: Interval,
    /// The status a timed-out command ends with: 124, or with `--preserve-status` the
    /// status of a command killed by the signal (128 + its number).
    pub timed_out_status: i32,
    pub command: Vec<String>,
}

/// A signal by name (`TERM`, `SIGKILL`) or number, as `timeout -s` takes it.
fn signal_number(text: &str) -> Option<i32> {
    if let Ok(number) = text.parse::<i32>() {
        return (0..=64).contains(&number).then_some(number);
    }
    let name = text.strip_prefix("SIG").unwrap_or(text);
    let names = [
        ("HUP", 1),
        ("INT", 2),
        ("QUIT", 3),
        ("KILL", 9),
        ("USR1", 10),
        ("USR2", 12),
        ("ALRM", 14),
        ("TERM", 15),
    ];
    names
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, number)| *number)
}

/// Parses `timeout [OPTION] DURATION COMMAND [ARG]...` as `timeout.c` does; `Err` is the
/// text printed before exiting 125.
pub fn parse_timeout(args: &[String]) -> Result<TimeoutRequest, String> {
    let try_help = "Try 'timeout --help' for more information.\n";
    let mut signal = 15;
    let mut preserve = false;
    let mut rest = args.iter().peekable();
    // Options stop at the first operand (`+` in timeout's getopt string).
    while let Some(arg) = rest.next_if(|a| a.starts_with('-') && a.as_str() != "-") {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_string())),
            _ => {
                // `-kVALUE`: the option letter (any character, so split on its boundary)
                // and the value glued to it.
                let letter_end = 1 + arg[1..].chars().next().map_or(0, char::len_utf8);
                match arg.len() > letter_end && !arg.starts_with("--") {
                    true => (&arg[..letter_end], Some(arg[letter_end..].to_string())),
                    false => (arg.as_str(), None),
                }
            }
        };
        let short = |flag: &str| flag.chars().nth(1).unwrap_or('-');
        match flag {
            "--" => break,
            "--preserve-status" => preserve = true,
            "--foreground" | "-v" | "--verbose" => {}
            "-k" | "--kill-after" | "-s" | "--signal" => {
                let Some(value) = inline.or_else(|| rest.next().cloned()) else {
                    return Err(match flag.starts_with("--") {
                        true => {
                            format!("timeout: option '{flag}' requires an argument\n{try_help}")
                        }
                        false => format!(
                            "timeout: option requires an argument -- '{}'\n{try_help}",
                            short(flag)
                        ),
                    });
                };
                if flag.contains('k') {
                    Interval::parse(&value).ok_or_else(|| {
                        format!(
                            "timeout: invalid time interval {}\n{try_help}",
                            quote(&value)
                        )
                    })?;
                } else {
                    signal = signal_number(&value)
                        .ok_or_else(|| format!("timeout: {}: invalid signal\n{try_help}", value))?;
                }
            }
            "--help" => return Err(String::new()),
            long if long.starts_with("--") => {
                return Err(format!(
                    "timeout: unrecognized option {}\n{try_help}",
                    quote(long)
                ));
            }
            other => {
                return Err(format!(
                    "timeout: invalid option -- '{}'\n{try_help}",
                    short(other)
                ));
            }
        }
    }
    let operands: Vec<String> = rest.cloned().collect();
    let [duration, command @ ..] = operands.as_slice() else {
        return Err(try_help.to_string());
    };
    if command.is_empty() {
        return Err(try_help.to_string());
    }
    let duration = Interval::parse(duration).ok_or_else(|| {
        format!(
            "timeout: invalid time interval {}\n{try_help}",
            quote(duration)
        )
    })?;
    Ok(TimeoutRequest {
        duration,
        timed_out_status: if preserve { 128 + signal } else { TIMED_OUT },
        command: command.to_vec(),
    })
}

pub(crate) fn timeout(exec: &mut Exec, args: &[String], stdin: &str, out: &mut Output) -> i32 {
    let request = match parse_timeout(args) {
        Ok(request) => request,
        Err(text) => {
            out.err(&text);
            return CANCELED;
        }
    };
    let name = request.command[0].as_str();
    if !exec.is_command(name) {
        out.err(&format!(
            "timeout: failed to run command {}: No such file or directory\n",
            quote(name)
        ));
        return 127;
    }
    // A duration of 0 disables the timeout.
    let limited = request.duration.seconds() > 0.0;
    if limited {
        exec.host
            .begin_timeout(request.duration, request.timed_out_status);
    }
    let status = exec.dispatch(&request.command, stdin, out);
    if limited && exec.host.end_timeout() {
        return request.timed_out_status;
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|a| (*a).to_string()).collect()
    }

    #[test]
    fn sleep_sums_its_operands_and_reports_every_bad_one() {
        let SleepRequest::Sleep(interval) = parse_sleep(&strings(&["66", "1.5m", "1d"])) else {
            panic!("rejected")
        };
        assert_eq!(interval.seconds(), 66.0 + 90.0 + 86400.0);
        assert_eq!(
            parse_sleep(&strings(&["1x", "2", "2y"])),
            SleepRequest::Invalid(
                "sleep: invalid time interval '1x'\nsleep: invalid time interval '2y'\nTry 'sleep --help' for more information.\n".into()
            )
        );
        assert_eq!(
            parse_sleep(&strings(&["-1"])),
            SleepRequest::Invalid(
                "sleep: invalid option -- '1'\nTry 'sleep --help' for more information.\n".into()
            )
        );
        assert_eq!(
            parse_sleep(&strings(&["--", "-1"])),
            SleepRequest::Invalid(
                "sleep: invalid time interval '-1'\nTry 'sleep --help' for more information.\n"
                    .into()
            )
        );
        assert_eq!(
            parse_sleep(&strings(&["a'b"])),
            SleepRequest::Invalid(
                "sleep: invalid time interval 'a\\'b'\nTry 'sleep --help' for more information.\n"
                    .into()
            )
        );
    }

    #[test]
    fn an_option_letter_outside_ascii_is_an_error_not_a_panic() {
        // Found by fuzzing: `-\u{90}…` used to be split inside the character.
        assert!(parse_timeout(&strings(&["-\u{90}\u{1c}sleepW?"])).is_err());
        assert!(parse_timeout(&strings(&["-é5", "1", "true"])).is_err());
    }

    #[test]
    fn timeout_reads_options_duration_and_command() {
        let request = parse_timeout(&strings(&[
            "-s",
            "KILL",
            "--preserve-status",
            "5",
            "sleep",
            "9",
        ]));
        assert_eq!(
            request,
            Ok(TimeoutRequest {
                duration: Interval::parse("5").unwrap_or(Interval::ZERO),
                timed_out_status: 137,
                command: strings(&["sleep", "9"]),
            })
        );
        let try_help = "Try 'timeout --help' for more information.\n";
        assert_eq!(parse_timeout(&strings(&["5"])), Err(try_help.into()));
        assert_eq!(
            parse_timeout(&strings(&["x", "true"])),
            Err(format!("timeout: invalid time interval 'x'\n{try_help}"))
        );
        assert_eq!(
            parse_timeout(&strings(&["-k"])),
            Err(format!(
                "timeout: option requires an argument -- 'k'\n{try_help}"
            ))
        );
    }
}
