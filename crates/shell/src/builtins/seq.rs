//! `seq` (integers: `LAST`, `FIRST LAST`, `FIRST INCREMENT LAST`, `-s SEP`, `-w`) and `rev`
//! (each line's characters reversed).

use super::{Io, UtilError, lines, parse_opts, read_inputs};

/// Most numbers one `seq` prints.
const MAX_SEQ: i64 = 100_000;

pub(crate) fn seq(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    // Negative numbers are operands, not options.
    let mut separator = "\n".to_string();
    let mut equal_width = false;
    let mut numbers = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "-w" | "--equal-width" => equal_width = true,
            "-s" | "--separator" => {
                separator = iter
                    .next()
                    .cloned()
                    .ok_or(UtilError::MissingArgument('s'))?;
            }
            _ if arg.starts_with("-s") && arg.parse::<i64>().is_err() => {
                separator = arg[2..].to_string();
            }
            _ if arg.starts_with('-') && arg.len() > 1 && arg.parse::<i64>().is_err() => {
                return Err(UtilError::UnrecognizedOption(arg.clone()));
            }
            _ => numbers.push(arg.clone()),
        }
    }
    let parse = |text: &String| {
        text.parse::<i64>().map_err(|_| UtilError::InvalidNumber {
            what: "floating point argument",
            value: text.clone(),
        })
    };
    let values: Vec<i64> = numbers.iter().map(parse).collect::<Result<_, _>>()?;
    let (first, step, last) = match values.as_slice() {
        [] => return Err(UtilError::MissingOperand),
        [last] => (1, 1, *last),
        [first, last] => (*first, 1, *last),
        [first, step, last] => (*first, *step, *last),
        [_, _, _, extra, ..] => return Err(UtilError::ExtraOperand(extra.to_string())),
    };
    if step == 0 {
        return Err(UtilError::Message(
            "invalid Zero increment value: '0'".into(),
        ));
    }
    let width = if equal_width {
        first.to_string().len().max(last.to_string().len())
    } else {
        0
    };
    let mut out = Vec::new();
    let mut n = first;
    while (step > 0 && n <= last) || (step < 0 && n >= last) {
        if out.len() as i64 >= MAX_SEQ {
            break;
        }
        out.push(format!("{n:0width$}"));
        n = match n.checked_add(step) {
            Some(next) => next,
            None => break,
        };
    }
    if !out.is_empty() {
        io.out.out(&format!("{}\n", out.join(&separator)));
    }
    Ok(0)
}

pub(crate) fn rev(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let opts = parse_opts(args, "", &[])?;
    let (texts, failed) = read_inputs("rev", &opts.operands, io);
    for (_, text) in texts {
        let mut reversed = String::with_capacity(text.len() + 1);
        for line in lines(&text) {
            reversed.extend(line.chars().rev());
            reversed.push('\n');
        }
        io.out.out(&reversed);
    }
    Ok(i32::from(failed))
}
