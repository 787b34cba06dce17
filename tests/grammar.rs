//! `grammar/bnr.ebnf` stays honest: its keywords are exactly the parser's,
//! every rule it uses is defined, and every `.bnr` file in `golden/` and
//! `examples/` uses only keywords the grammar lists.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use bannerc::ir::Span;
use bannerc::syntax::{self, KEYWORDS, Token};

/// The grammar's text.
fn grammar() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar/bnr.ebnf");
    std::fs::read_to_string(path).expect("grammar/bnr.ebnf is readable")
}

/// The grammar read into terminals and the rest (comments and special
/// sequences removed, each terminal replaced by a space).
struct Ebnf {
    terminals: Vec<String>,
    rules_text: String,
}

/// Read EBNF text: `(* … *)` comments, `? … ?` special sequences, and
/// `"…"` or `'…'` terminals.
fn read_ebnf(text: &str) -> Ebnf {
    let mut terminals = Vec::new();
    let mut rules_text = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let (skipped, after) = if let Some(body) = rest.strip_prefix("(*") {
            let end = body.find("*)").expect("every comment is closed");
            (None, &body[end + 2..])
        } else if matches!(c, '"' | '\'' | '?') {
            let body = &rest[1..];
            let end = body
                .find(c)
                .expect("every terminal and special sequence is closed");
            let terminal = (c != '?').then(|| body[..end].to_string());
            (terminal, &body[end + 1..])
        } else {
            rules_text.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        };
        terminals.extend(skipped);
        rules_text.push(' ');
        rest = after;
    }
    Ebnf {
        terminals,
        rules_text,
    }
}

/// Whether a terminal is a keyword: lowercase letters and `_`, with a letter.
fn is_keyword(terminal: &str) -> bool {
    terminal.chars().all(|c| c.is_ascii_lowercase() || c == '_')
        && terminal.chars().any(|c| c.is_ascii_lowercase())
}

/// The grammar's keywords.
fn grammar_keywords() -> BTreeSet<String> {
    read_ebnf(&grammar())
        .terminals
        .into_iter()
        .filter(|t| is_keyword(t))
        .collect()
}

#[test]
fn the_grammar_lists_exactly_the_parsers_keywords() {
    let parser: BTreeSet<String> = KEYWORDS.iter().map(|k| k.to_string()).collect();
    assert_eq!(parser.len(), KEYWORDS.len(), "KEYWORDS has duplicates");
    let grammar = grammar_keywords();
    let only_grammar: Vec<_> = grammar.difference(&parser).collect();
    let only_parser: Vec<_> = parser.difference(&grammar).collect();
    assert!(
        only_grammar.is_empty() && only_parser.is_empty(),
        "only in the grammar: {only_grammar:?}; only in the parser: {only_parser:?}"
    );
}

#[test]
fn every_rule_the_grammar_uses_is_defined_once() {
    let ebnf = read_ebnf(&grammar());
    let mut defined = BTreeSet::new();
    let mut used = BTreeSet::new();
    for rule in ebnf
        .rules_text
        .split(';')
        .filter(|rule| !rule.trim().is_empty())
    {
        let (name, body) = rule.split_once('=').expect("a rule is `name = body ;`");
        let name = name.trim();
        assert!(is_keyword(name), "rule name `{name}`");
        assert!(
            defined.insert(name.to_string()),
            "rule `{name}` is defined twice"
        );
        let words = body.split(|c: char| !(c.is_ascii_lowercase() || c == '_'));
        used.extend(words.filter(|word| !word.is_empty()).map(str::to_string));
    }
    let undefined: Vec<_> = used.difference(&defined).collect();
    assert!(undefined.is_empty(), "used but not defined: {undefined:?}");
    assert!(defined.contains("file"), "the grammar starts at `file`");
}

#[test]
fn the_grammar_describes_the_language_examples() {
    // A spot check that the grammar's start matches what the parser reads.
    let text = grammar();
    assert!(text.contains(r#"campaign = "campaign" , campaign_name , "{" , { item } , "}" ;"#));
}

/// Every `.bnr` file under `dir`, recursively.
fn bnr_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            bnr_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "bnr") {
            found.push(path);
        }
    }
}

/// Words of `source` that stand where a keyword stands: the first word of a
/// line (unless it continues a list after `,`), and the word after
/// `schedule`, `split`, `+`, `except` or `start_time`.
fn keyword_position_words(source: &str) -> Vec<(&str, Span)> {
    let (tokens, _) = syntax::lexer::lex(source);
    let mut words = Vec::new();
    let mut previous: Option<(Token<'_>, Span)> = None;
    for (token, span) in tokens {
        if let Token::Word(word) = token {
            let gap_start = previous.map_or(0, |(_, at)| at.end);
            let starts_line = previous.is_none() || source[gap_start..span.start].contains('\n');
            let after_comma = matches!(previous, Some((Token::Comma, _)));
            let after_keyword = matches!(
                previous,
                Some((Token::Plus, _))
                    | Some((
                        Token::Word("schedule" | "split" | "except" | "start_time"),
                        _
                    ))
            );
            if (starts_line && !after_comma) || after_keyword {
                words.push((word, span));
            }
        }
        previous = Some((token, span));
    }
    words
}

#[test]
fn bnr_files_use_only_the_grammars_keywords() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    bnr_files(&root.join("golden"), &mut files);
    bnr_files(&root.join("examples"), &mut files);
    let keywords = grammar_keywords();
    let mut unknown = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).expect("a readable .bnr file");
        // A word the parser rejects is a deliberate error in an error test.
        let (_, diagnostics) = syntax::parse(&source);
        let rejected = |at: Span| diagnostics.iter().any(|d| d.span() == at);
        for (word, at) in keyword_position_words(&source) {
            if !keywords.contains(word) && !rejected(at) {
                unknown.push(format!("{}: `{word}` at byte {}", file.display(), at.start));
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "keywords the grammar does not list:\n{}",
        unknown.join("\n")
    );
}

#[test]
fn keyword_positions_are_found() {
    let source = "campaign X {\n  phase 1: 2025-01-01 + log \"a\" -> 2025-01-02\n  \
                  schedule rotate a,\n  b every 2 days over 2025-01-01\n  retries 3\n}";
    let words: Vec<&str> = keyword_position_words(source)
        .into_iter()
        .map(|(w, _)| w)
        .collect();
    assert_eq!(
        words,
        ["campaign", "phase", "log", "schedule", "rotate", "retries"]
    );
}
