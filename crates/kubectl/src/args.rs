//! Command-line flags as cobra/pflag parse them: long and short forms, `=` or separate
//! values, grouped booleans (`-it`), `--` ending flags, and pflag's exact error messages.

use std::collections::BTreeMap;

use crate::text::go_duration;

/// What a flag holds; pflag checks typed values while parsing, before the command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagType {
    Bool,
    String,
    /// A Go `time.Duration` (`90s`, `2m`, `1h30m`).
    Duration,
}

/// One flag a command accepts.
#[derive(Clone, Copy, Debug)]
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    pub flag_type: FlagType,
}

impl Flag {
    fn takes_value(&self) -> bool {
        self.flag_type != FlagType::Bool
    }

    /// pflag's `invalid argument` error for a value this flag's type rejects.
    fn check(&self, value: &str, hint: &str) -> Result<(), String> {
        match self.flag_type {
            FlagType::Duration => go_duration::parse(self.long, value)
                .map(|_| ())
                .map_err(|error| format!("{error}\n{hint}")),
            FlagType::Bool | FlagType::String => Ok(()),
        }
    }
}

pub const fn value(long: &'static str, short: Option<char>) -> Flag {
    Flag {
        long,
        short,
        flag_type: FlagType::String,
    }
}

pub const fn boolean(long: &'static str, short: Option<char>) -> Flag {
    Flag {
        long,
        short,
        flag_type: FlagType::Bool,
    }
}

pub const fn duration(long: &'static str, short: Option<char>) -> Flag {
    Flag {
        long,
        short,
        flag_type: FlagType::Duration,
    }
}

/// Flags every kubectl command accepts.
pub const GLOBAL_FLAGS: &[Flag] = &[
    value("namespace", Some('n')),
    value("context", None),
    value("kubeconfig", None),
    value("cluster", None),
    value("user", None),
    value("request-timeout", None),
    value("v", Some('v')),
];

#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub positional: Vec<String>,
    flags: BTreeMap<&'static str, Vec<String>>,
    /// Arguments after `--` (the command of `exec`).
    pub after_dash: Vec<String>,
    pub dash_seen: bool,
}

impl Parsed {
    pub fn value(&self, long: &str) -> Option<&str> {
        self.flags
            .get(long)
            .and_then(|values| values.last())
            .map(String::as_str)
    }

    /// A duration flag's value in milliseconds (the parser already checked it).
    pub fn duration_ms(&self, long: &str) -> Option<u64> {
        self.value(long)
            .and_then(|text| go_duration::parse(long, text).ok())
    }

    pub fn values(&self, long: &str) -> Vec<String> {
        self.flags.get(long).cloned().unwrap_or_default()
    }

    pub fn has(&self, long: &str) -> bool {
        self.flags.contains_key(long)
    }

    /// A boolean flag: present without value, or `--flag=true`.
    pub fn bool(&self, long: &str) -> bool {
        self.value(long).is_some_and(|v| v != "false")
    }
}

/// Parses `args` (after the command words); `command` names the command for error hints.
pub fn parse(args: &[String], flags: &[Flag], command: &str) -> Result<Parsed, String> {
    let all: Vec<Flag> = flags.iter().chain(GLOBAL_FLAGS).copied().collect();
    let hint = format!("See 'kubectl {command} --help' for usage.");
    let mut parsed = Parsed::default();
    let mut index = 0;
    while index < args.len() {
        let arg = &args[index];
        index += 1;
        if arg == "--" {
            parsed.dash_seen = true;
            parsed.after_dash = args[index..].to_vec();
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((name, value)) => (name, Some(value.to_string())),
                None => (long, None),
            };
            let Some(flag) = all.iter().find(|f| f.long == name) else {
                return Err(format!("error: unknown flag: --{name}\n{hint}"));
            };
            let value = if flag.takes_value() {
                match inline {
                    Some(value) => value,
                    None if index < args.len() => {
                        index += 1;
                        args[index - 1].clone()
                    }
                    None => return Err(format!("error: flag needs an argument: --{name}\n{hint}")),
                }
            } else {
                inline.unwrap_or_else(|| "true".into())
            };
            flag.check(&value, &hint)?;
            parsed.flags.entry(flag.long).or_default().push(value);
            continue;
        }
        if let Some(shorts) = arg.strip_prefix('-').filter(|s| !s.is_empty()) {
            let chars: Vec<char> = shorts.chars().collect();
            let mut position = 0;
            while position < chars.len() {
                let c = chars[position];
                position += 1;
                let Some(flag) = all.iter().find(|f| f.short == Some(c)) else {
                    return Err(format!(
                        "error: unknown shorthand flag: '{c}' in {arg}\n{hint}"
                    ));
                };
                if flag.takes_value() {
                    let rest: String = chars[position..].iter().collect();
                    let value = if !rest.is_empty() {
                        rest.strip_prefix('=').unwrap_or(&rest).to_string()
                    } else if index < args.len() {
                        index += 1;
                        args[index - 1].clone()
                    } else {
                        return Err(format!(
                            "error: flag needs an argument: '{c}' in -{c}\n{hint}"
                        ));
                    };
                    flag.check(&value, &hint)?;
                    parsed.flags.entry(flag.long).or_default().push(value);
                    break;
                }
                parsed
                    .flags
                    .entry(flag.long)
                    .or_default()
                    .push("true".into());
            }
            continue;
        }
        parsed.positional.push(arg.clone());
    }
    Ok(parsed)
}

/// A subcommand as cobra registers it: its name, which hints print, and its aliases.
pub type Subcommand = (&'static str, &'static [&'static str]);

/// The command path cobra names in its usage hints (`create deployment` for
/// `kubectl create deploy web --bogus`): `base`, then the subcommand of `subcommands` that
/// the first operand names, as cobra finds it by skipping flags and their values.
pub fn command_path(
    base: &str,
    subcommands: &[Subcommand],
    args: &[String],
    flags: &[Flag],
) -> String {
    let takes_value = |arg: &str| {
        let (long, short) = match arg.strip_prefix("--") {
            Some(long) => (Some(long), None),
            None => (
                None,
                arg.strip_prefix('-').filter(|s| s.chars().count() == 1),
            ),
        };
        flags.iter().chain(GLOBAL_FLAGS).any(|flag| {
            flag.takes_value()
                && (long == Some(flag.long)
                    || short.is_some_and(|s| flag.short.is_some_and(|c| s.starts_with(c))))
        })
    };
    let mut words = args.iter();
    while let Some(arg) = words.next() {
        if arg == "--" {
            break;
        }
        if arg.starts_with('-') {
            if !arg.contains('=') && takes_value(arg) {
                words.next();
            }
            continue;
        }
        return match subcommands
            .iter()
            .find(|(name, aliases)| name == arg || aliases.contains(&arg.as_str()))
        {
            Some((name, _)) => format!("{base} {name}"),
            None => base.to_string(),
        };
    }
    base.to_string()
}

/// A command that only has subcommands (`rollout`, `set`, `config`) given a flag before
/// any subcommand: cobra parses it as the parent's, against the global flags, and an unknown
/// or incomplete one is answered with the parent's hint.
pub fn check_parent_flags(args: &[String], command: &str) -> Result<(), String> {
    if args
        .first()
        .is_some_and(|arg| arg.starts_with('-') && arg != "--")
    {
        parse(args, &[], command)?;
    }
    Ok(())
}

/// Splits global flags that come before the command word (`kubectl -n dev get pods`).
pub fn split_command(args: &[String]) -> (Vec<String>, Vec<String>) {
    let mut leading = Vec::new();
    let mut index = 0;
    while index < args.len() {
        let arg = &args[index];
        if !arg.starts_with('-') {
            break;
        }
        leading.push(arg.clone());
        index += 1;
        let takes_value = GLOBAL_FLAGS.iter().any(|f| {
            (arg == &format!("--{}", f.long) || f.short.is_some_and(|s| arg == &format!("-{s}")))
                && f.takes_value()
        });
        if takes_value && index < args.len() {
            leading.push(args[index].clone());
            index += 1;
        }
    }
    let rest = args[index..].to_vec();
    (rest, leading)
}

/// Cobra's "Did you mean this?" suggestions: prefix matches and Levenshtein distance ≤ 2.
pub fn suggestions(typed: &str, candidates: &[&str]) -> Vec<String> {
    candidates
        .iter()
        .filter(|c| {
            c.starts_with(&typed.to_lowercase()) || levenshtein(&typed.to_lowercase(), c) <= 2
        })
        .map(|c| (*c).to_string())
        .collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_long_short_and_grouped_flags() {
        let flags = [
            value("output", Some('o')),
            boolean("stdin", Some('i')),
            boolean("tty", Some('t')),
        ];
        let parsed = parse(
            &words("pods -n kube-system -owide -it x --output=yaml -- curl a"),
            &flags,
            "get",
        )
        .unwrap_or_default();
        assert_eq!(parsed.positional, words("pods x"));
        assert_eq!(parsed.value("namespace"), Some("kube-system"));
        assert_eq!(parsed.value("output"), Some("yaml"));
        assert!(parsed.bool("stdin") && parsed.bool("tty"));
        assert_eq!(parsed.after_dash, words("curl a"));
    }

    #[test]
    fn reports_unknown_flags_like_pflag() {
        assert_eq!(
            parse(&words("--foo"), &[], "get").err().unwrap_or_default(),
            "error: unknown flag: --foo\nSee 'kubectl get --help' for usage."
        );
        assert_eq!(
            parse(&words("-z"), &[], "get").err().unwrap_or_default(),
            "error: unknown shorthand flag: 'z' in -z\nSee 'kubectl get --help' for usage."
        );
    }

    #[test]
    fn leading_global_flags_are_split_off() {
        let (rest, leading) = split_command(&words("-n dev get pods"));
        assert_eq!(rest, words("get pods"));
        assert_eq!(leading, words("-n dev"));
        assert_eq!(
            suggestions("gett", &["get", "set", "delete"]),
            vec!["get".to_string(), "set".to_string()]
        );
    }
}
