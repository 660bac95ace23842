//! The macro's parser and expander, driven directly on token streams: fed every valid
//! example of the docs and the spec, and 10^5 generated or mutated inputs, it never panics
//! and every rejection is an error spanned inside the input. The expansions of
//! `expand/*.rs` are compared with `expand/*.expanded.rs`, formatted as users see them in
//! `cargo expand` (`UPDATE_EXPANDED=1` rewrites them).
//!
//! The macro crate cannot export functions, so its modules are compiled into this test.

#![allow(dead_code, unreachable_pub)]

#[path = "../../retry-macro/src/ast.rs"]
mod ast;
#[path = "../../retry-macro/src/async_trait.rs"]
mod async_trait;
#[path = "../../retry-macro/src/attr.rs"]
mod attr;
#[path = "../../retry-macro/src/derive.rs"]
mod derive;
#[path = "../../retry-macro/src/duration.rs"]
mod duration;
#[path = "../../retry-macro/src/errors.rs"]
mod errors;
#[path = "../../retry-macro/src/expand.rs"]
mod expand;
#[path = "../../retry-macro/src/grammar.rs"]
mod grammar;
#[path = "../../retry-macro/src/keys.rs"]
mod keys;
#[path = "../../retry-macro/src/loops.rs"]
mod loops;
#[path = "../../retry-macro/src/valid.rs"]
mod valid;
#[path = "../../retry-macro/src/values.rs"]
mod values;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::str::FromStr;

use proc_macro2::TokenStream;
use proptest::prelude::*;

/// Every `#[retry(...)]` in the given text (doc-comment prefixes removed), as the text
/// between the parentheses.
fn attributes_in(text: &str) -> Vec<String> {
    let text: String = text
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            for prefix in ["//! ", "/// ", "//!", "///"] {
                if let Some(rest) = trimmed.strip_prefix(prefix) {
                    return rest.to_string();
                }
            }
            line.to_string()
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = Vec::new();
    for (start, _) in text.match_indices("#[retry(") {
        let args = &text[start + "#[retry(".len()..];
        let mut depth = 1;
        let end = args.char_indices().find_map(|(i, c)| {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(i)
        });
        if let Some(end) = end {
            found.push(args[..end].to_string());
        }
    }
    found
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("rs" | "md")) {
            out.push(path);
        }
    }
}

#[test]
fn accepts_every_example_of_the_docs_and_the_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut paths = vec![root.join("README.md"), root.join("../shared/SPEC.md")];
    for dir in ["retry-runtime/src", "docs", "examples", "tests"] {
        files(&root.join(dir), &mut paths);
    }
    let mut checked = 0;
    for path in paths
        .iter()
        .filter(|p| !p.ends_with("parser.rs") && !p.to_string_lossy().contains("/ui/fail/"))
    {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for args in attributes_in(&text) {
            // Placeholders of the spec and the docs (`key = value, ...`).
            if args.contains("...") || args.contains("key = value") {
                continue;
            }
            let tokens = TokenStream::from_str(&args)
                .unwrap_or_else(|e| panic!("{}: `{args}` is not tokens: {e}", path.display()));
            // The attribute's keys, or the derive's (a variant's `#[retry(transient)]`).
            let mut errors = errors::Errors::default();
            attr::parse(tokens.clone(), &mut errors);
            let mut derive_errors = errors::Errors::default();
            attr::parse_keys(tokens, &mut derive_errors, &attr::Keys::DERIVE);
            if let (Some(error), Some(_)) = (errors.into_error(), derive_errors.into_error()) {
                panic!("{}: `#[retry({args})]` rejected: {error}", path.display());
            }
            checked += 1;
        }
    }
    eprintln!("{checked} attributes of the docs and the spec accepted");
    assert!(checked >= 80, "only {checked} examples found");
}

/// Every error of `tokens`' parse is spanned inside the input (lines are 1-based), and the
/// expansion of an item with them reports the errors and keeps the item.
fn check(input: &str) -> Result<(), TestCaseError> {
    let Ok(tokens) = TokenStream::from_str(input) else {
        return Ok(()); // not even tokens: rustc rejects it before any macro runs
    };
    let lines = input.lines().count().max(1);
    let mut errors = errors::Errors::default();
    attr::parse(tokens.clone(), &mut errors);
    if let Some(errors) = errors.into_error() {
        for error in errors {
            let start = error.span().start();
            prop_assert!(
                start.line >= 1 && start.line <= lines,
                "`{input}`: error `{error}` at {start:?}, outside the input"
            );
        }
    }
    let item = TokenStream::from_str("fn f(a: String, b: &str) -> Result<u8, ()> { Ok(1) }")
        .expect("an item");
    let expanded = expand::retry(tokens, &item).to_string();
    prop_assert!(expanded.contains("fn f"), "the function is always emitted");
    check_derive(input)
}

/// The same pieces as a variant's and a struct's `#[retry(...)]` under the derive: no
/// panic, an impl always emitted (with the errors, if any), every error inside the item.
fn check_derive(args: &str) -> Result<(), TestCaseError> {
    let items = [
        format!("enum E {{ #[retry({args})] A {{ after: Duration }}, #[retry(permanent)] B(u8) }}"),
        format!("#[retry({args})] struct S(Duration);"),
        format!("#[retry({args})] enum F {{ #[retry({args})] A }}"),
    ];
    for item in items {
        let Ok(tokens) = TokenStream::from_str(&item) else {
            continue;
        };
        let expanded = derive::retryable(tokens);
        let text = expanded.to_string();
        prop_assert!(
            text.contains("Retryable for"),
            "`{item}`: no impl in `{text}`"
        );
        // Each error is a `compile_error!` spanned inside the item, which is one line.
        for tree in expanded {
            if let proc_macro2::TokenTree::Ident(ident) = &tree {
                if ident == "compile_error" {
                    let start = ident.span().start();
                    prop_assert!(start.line == 1, "`{item}`: an error at {start:?}");
                }
            }
        }
    }
    Ok(())
}

/// Pieces attributes are made of: every key the parser knows, wrong keys, values and
/// punctuation.
fn piece() -> impl Strategy<Value = &'static str> {
    let others = [
        "maxx",
        "retries",
        "self",
        "=",
        "=",
        ",",
        ",",
        ",",
        "(",
        ")",
        "0",
        "1",
        "3",
        "4294967296",
        "-1",
        "1.5",
        "0.5",
        "2e3",
        "\"100ms\"",
        "\"1m30s\"",
        "\"30s1m\"",
        "\"5 sec\"",
        "\"\"",
        "\"exponential\"",
        "\"full\"",
        "\"fully\"",
        "|e|",
        "e.is_x()",
        "true",
        "&B",
        "::a::b",
        "a::b",
        "Duration::ZERO",
        "{ }",
        "[1]",
        "x",
        "'a",
        "?",
        "..",
        "#",
        "!",
        ";",
        "<",
        ">",
        "async",
        "move",
        "|",
        "\"µs\"",
        "\"1.s\"",
        "1u8",
        "cx",
        "self::linear",
        "transient",
        "permanent",
        "from",
        "hint = after",
        "hint = 0",
        "when = classify::io",
        "linear",
        "_",
        "self",
    ];
    let keys = keys::KEYS.iter().map(|key| key.name);
    prop::sample::select(keys.chain(others).collect::<Vec<_>>())
}

/// Valid attributes, to mutate.
const VALID: &[&str] = &[
    "max = 10, base = \"500ms\"",
    "max = 5, base = \"10ms\", jitter = \"full\", max_delay = \"2s\"",
    "backoff = \"fibonacci\", factor = 1.5, deadline = \"1m30s\"",
    "when = |e| e.is_transient(), when_ok = |v| v.is_empty(), on_retry = log",
    "clone(a), sleep = my::sleep, crate = ::retry_runtime",
    "policy = &self.policy, budget = &BUDGET, hint = |e| e.after()",
    "breaker = &BREAKER, throttle = &self.throttle, rejected = |r| E::from(r)",
    "base = Duration::from_millis(2 * 5), jitter = \"decorrelated\"",
    "context = cx, on_success = count, hedge = \"50ms\", attempt_timeout = \"1s\"",
    "backoff = self::chain, min_delay = \"1s\", max_delay = \"10s\", jitter = \"equal\"",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 50_000, failure_persistence: None, .. ProptestConfig::default() })]

    /// 50,000 random sequences of attribute pieces.
    #[test]
    fn random_attributes_never_panic_and_errors_are_spanned(
        pieces in prop::collection::vec(piece(), 0..24),
    ) {
        check(&pieces.join(" "))?;
    }

    /// 50,000 mutations of valid attributes: a piece inserted, a token removed or replaced.
    #[test]
    fn mutated_attributes_never_panic_and_errors_are_spanned(
        valid in prop::sample::select(VALID.to_vec()),
        at in any::<prop::sample::Index>(),
        insert in piece(),
        mode in 0..3u8,
    ) {
        let words: Vec<&str> = valid.split(' ').collect();
        let i = at.index(words.len());
        let mut mutated = words.clone();
        match mode {
            0 => mutated.insert(i, insert),
            1 => { mutated.remove(i); }
            _ => mutated[i] = insert,
        }
        check(&mutated.join(" "))?;
    }
}

/// The errors of parsing `input` as the attribute's arguments.
fn parse_errors(input: &str) -> Option<syn::Error> {
    let mut errors = errors::Errors::default();
    attr::parse(TokenStream::from_str(input).unwrap(), &mut errors);
    errors.into_error()
}

#[test]
fn a_rejection_points_at_its_token() {
    let error = parse_errors("max = 3,\n  bsae = \"1s\"").unwrap();
    let start = error.span().start();
    assert_eq!((start.line, start.column), (2, 2));
}

#[test]
fn inputs_the_fuzzer_found_are_rejected_at_their_token() {
    // A closure whose body is an assignment swallows `max = 10`; the stray `=` after a
    // duration is reported where it stands.
    let input = "when = |e| e.max = 10, base = \"500ms\"= |v| v.is_empty(), on_retry = log";
    let errors: Vec<_> = parse_errors(input).unwrap().into_iter().collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].to_string(), "expected `,`");
    assert_eq!(errors[0].span().start().column, 37);
}

/// `code` as rustfmt prints it.
fn rustfmt(code: &str) -> String {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("rustfmt (rustup component add rustfmt)");
    let mut stdin = child.stdin.take().expect("rustfmt's stdin");
    stdin.write_all(code.as_bytes()).expect("code to rustfmt");
    drop(stdin);
    let output = child.wait_with_output().expect("rustfmt's output");
    assert!(output.status.success(), "rustfmt failed on:\n{code}");
    String::from_utf8(output.stdout).expect("UTF-8 from rustfmt")
}

/// Splits `#[retry(ARGS)] ITEM` into `ARGS` and `ITEM`.
fn split_attribute(source: &str) -> (TokenStream, TokenStream) {
    let start = source.find("#[retry(").expect("a #[retry(...)] attribute") + "#[retry(".len();
    let end = source[start..].find(")]\n").expect("the attribute's end") + start;
    let args = TokenStream::from_str(&source[start..end]).expect("the attribute's tokens");
    let item = TokenStream::from_str(&source[end + 3..]).expect("the item's tokens");
    (args, item)
}

#[test]
fn expansions_match_the_golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("expand");
    let update = std::env::var_os("UPDATE_EXPANDED").is_some();
    let mut compared = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/expand")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| !path.to_string_lossy().ends_with(".expanded.rs"))
        .collect();
    entries.sort();
    for input in entries {
        let source = std::fs::read_to_string(&input).expect("an input");
        let expanded = match source.strip_prefix("#[derive(Retryable)]\n") {
            Some(item) => {
                let item = TokenStream::from_str(item).expect("the item's tokens");
                rustfmt(&derive::retryable(item).to_string())
            }
            None => {
                let (args, item) = split_attribute(&source);
                rustfmt(&expand::retry(args, &item).to_string())
            }
        };
        let golden = input.with_extension("expanded.rs");
        if update {
            std::fs::write(&golden, &expanded).expect("the golden file written");
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        assert_eq!(
            expanded,
            expected,
            "{} expands differently (UPDATE_EXPANDED=1 rewrites it)",
            input.display()
        );
        compared += 1;
    }
    assert!(compared >= 3, "only {compared} golden expansions");
}

/// Duration texts: every documented form, every mistake the grammar names, and pieces to
/// combine.
const DURATIONS: &[&str] = &[
    "250us",
    "250µs",
    "500ms",
    "2s",
    "1.5s",
    "1m",
    "1m30s",
    "1h",
    "1d2h3m4s5ms6us7ns",
    "0s",
    "0.000000001s",
    "18446744073709551615s",
    "",
    "5",
    "5 s",
    "5sec",
    "ms",
    "1.s",
    ".5s",
    "1.2.3s",
    "30s1m",
    "1s1s",
    "0.0000000001s",
    "1.5ns",
    "18446744073709551616s",
    "-1s",
];

/// The macro's literals and `retry_runtime::parse_duration` agree: the same texts accepted,
/// as the same duration; the same rejected, for the same reason.
fn agree(text: &str) -> Result<(), TestCaseError> {
    let by_macro = duration::parse(text);
    let by_runtime = retry_runtime::parse_duration(text);
    match (&by_macro, &by_runtime) {
        (Ok(nanos), Ok(duration)) => prop_assert_eq!(*nanos, duration.as_nanos(), "{:?}", text),
        (Err(reason), Err(error)) => prop_assert!(
            error.to_string().contains(reason.as_str()),
            "{text:?}: the macro says {reason:?}, the runtime {error}"
        ),
        _ => prop_assert!(false, "{text:?}: {by_macro:?} against {by_runtime:?}"),
    }
    Ok(())
}

#[test]
fn the_macro_and_parse_duration_agree_on_every_form() {
    for text in DURATIONS {
        agree(text).unwrap();
    }
}

proptest! {
    /// Random concatenations of numbers, units and stray characters.
    #[test]
    fn the_macro_and_parse_duration_agree_on_generated_texts(
        text in "[0-9.]{0,4}(ns|us|µs|ms|s|m|h|d|x| )?[0-9.]{0,3}(ns|us|ms|s|m|h|d)?",
    ) {
        agree(&text)?;
    }
}
