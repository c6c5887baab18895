//! `wc` with `-l -w -c -m`; padding follows GNU: one count of one input is unpadded, stdin
//! uses width 7, files the width of the total byte count.

use super::{Io, UtilError, parse_opts, read_inputs};

pub(crate) fn wc(args: &[String], io: &mut Io) -> Result<i32, UtilError> {
    let opts = parse_opts(
        args,
        "lwcm",
        &[
            ("lines", 'l'),
            ("words", 'w'),
            ("bytes", 'c'),
            ("chars", 'm'),
        ],
    )?;
    let mut selected: Vec<char> = ['l', 'w', 'm', 'c']
        .into_iter()
        .filter(|c| opts.has(*c))
        .collect();
    if selected.is_empty() {
        selected = vec!['l', 'w', 'c'];
    }
    let (texts, failed) = read_inputs("wc", &opts.operands, io);
    let counts: Vec<(String, [usize; 4])> = texts
        .iter()
        .map(|(name, text)| {
            let lines = text.matches('\n').count();
            let words = text.split_whitespace().count();
            (
                name.clone(),
                [lines, words, text.chars().count(), text.len()],
            )
        })
        .collect();
    let mut total = [0usize; 4];
    for (_, c) in &counts {
        for (t, v) in total.iter_mut().zip(c) {
            *t += v;
        }
    }
    let from_stdin = opts.operands.is_empty() || opts.operands.iter().any(|o| o == "-");
    let width = if selected.len() == 1 && opts.operands.len() <= 1 {
        1
    } else if from_stdin {
        7
    } else {
        total[3].to_string().len()
    };
    let index = |c: char| match c {
        'l' => 0,
        'w' => 1,
        'm' => 2,
        _ => 3,
    };
    let mut rows: Vec<(String, [usize; 4])> = counts;
    if rows.len() > 1 {
        rows.push(("total".to_string(), total));
    }
    let mut output = String::new();
    for (name, c) in rows {
        let fields: Vec<String> = selected
            .iter()
            .map(|s| format!("{:>width$}", c.get(index(*s)).copied().unwrap_or(0)))
            .collect();
        output.push_str(&fields.join(" "));
        if !opts.operands.is_empty() {
            output.push(' ');
            output.push_str(&name);
        }
        output.push('\n');
    }
    io.out.out(&output);
    Ok(i32::from(failed))
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{ok, run_with};
    use crate::fs::VirtualFs;

    #[test]
    fn counts() {
        let text = "a b c\nd e f\ng h i jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj\n";
        assert_eq!(
            ok("wc", &[], "one two\nthree\n"),
            "      2       3      14\n"
        );
        assert_eq!(ok("wc", &["-l"], text), "3\n");
        assert_eq!(ok("wc", &["-w"], text), "10\n");
        assert_eq!(ok("wc", &["-c"], "héllo"), "6\n");
        assert_eq!(ok("wc", &["-m"], "héllo"), "5\n");
        assert_eq!(ok("wc", &["-lw"], text), "      3      10\n");
    }

    #[test]
    fn files() {
        let mut fs = VirtualFs::new("/h");
        let _ = fs.write("a", "x y\n");
        let _ = fs.write("b", "z\n");
        assert_eq!(run_with(&mut fs, "wc", &["-l", "a"], "").stdout, "1 a\n");
        assert_eq!(run_with(&mut fs, "wc", &["a"], "").stdout, "1 2 4 a\n");
        assert_eq!(
            run_with(&mut fs, "wc", &["-l", "a", "b"], "").stdout,
            "1 a\n1 b\n2 total\n"
        );
    }
}
