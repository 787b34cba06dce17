//! The well-formedness rules and warnings, pinned to where they point, and
//! the operation graph's order and cycle report.

use bannerc::check::{AccessNode, OpGraph, check, order_accesses};
use bannerc::diag::Diagnostic;
use bannerc::ir::{Access, Mode, Operation, RowSet};

/// (line, column, width) of a span in `text`, 1-based.
fn place(text: &str, span: bannerc::ir::Span) -> (usize, usize, usize) {
    let before = &text[..span.start];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column, span.len())
}

fn diagnostics(text: &str) -> Vec<Diagnostic> {
    let (spec, errors) = bannerc::syntax::parse(text);
    assert!(errors.is_empty(), "{errors:#?}");
    let campaign = bannerc::plan::expand(&spec.expect("parses"), None).expect("expands");
    check(&campaign, false)
}

fn campaign(phases: &str) -> String {
    format!(
        "campaign C {{\n    banner 5902\n    source `p.d.staging`\n    target `p.d.out`\n{phases}}}\n"
    )
}

fn only(text: &str, code: &str) -> Diagnostic {
    let found: Vec<Diagnostic> = diagnostics(text)
        .into_iter()
        .filter(|d| d.code == code)
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    found.into_iter().next().expect("one")
}

#[test]
fn overlapping_days_point_at_both_ranges() {
    let text = campaign(
        "    phase 1: 2025-04-01..2025-04-21 -> 2025-05-25\n    phase 2: 2025-04-20..2025-04-24 -> 2025-05-26\n",
    );
    let error = only(&text, "E0501");
    assert!(error.is_error());
    assert_eq!(
        error.message,
        "phases 1 and 2 both take the days 2025-04-20..2025-04-21"
    );
    assert_eq!(place(&text, error.labels[0].span), (6, 14, 22));
    assert_eq!(place(&text, error.labels[1].span), (5, 14, 22));
}

#[test]
fn a_special_log_taken_twice_points_at_both() {
    let text = campaign(
        "    phase 1: 2025-04-01..2025-04-10 + log \"x\" -> 2025-05-25\n    phase 2: 2025-04-11..2025-04-20 + log \"x\" -> 2025-05-26\n",
    );
    let error = only(&text, "E0502");
    assert_eq!(place(&text, error.labels[0].span), (6, 43, 3));
    assert_eq!(place(&text, error.labels[1].span), (5, 43, 3));
}

#[test]
fn a_special_log_that_is_own_output_is_refused() {
    let text = campaign(
        "    phase 1: 2025-04-01..2025-04-10 -> 2025-05-25\n    phase 2: 2025-04-11..2025-04-20 + log \"H_5902_distinct_2025-05-25\" -> 2025-05-26\n",
    );
    let error = only(&text, "E0503");
    assert!(error.message.contains("phase 2") && error.message.contains("phase 1"));
    assert_eq!(place(&text, error.labels[0].span), (6, 43, 28));
    assert_eq!(place(&text, error.labels[1].span).0, 5);
}

#[test]
fn two_phases_writing_one_log_name_are_refused() {
    let text = campaign(
        "    phase 1: 2025-04-01..2025-04-10 -> 2025-05-25\n    phase 2: 2025-04-11..2025-04-20 -> 2025-05-26 as \"2025-05-25\"\n",
    );
    let error = only(&text, "E0504");
    assert_eq!(
        error.message,
        "phases 1 and 2 both write the log name \"H_5902_distinct_2025-05-25\""
    );
    assert_eq!(place(&text, error.labels[0].span).0, 6);
    assert_eq!(place(&text, error.labels[1].span).0, 5);
}

#[test]
fn a_phase_number_used_twice_is_refused() {
    let text = campaign(
        "    phase 1: 2025-04-01..2025-04-10 -> 2025-05-25\n    phase 1: 2025-04-11..2025-04-20 -> 2025-05-26\n",
    );
    assert_eq!(place(&text, only(&text, "E0507").labels[0].span).0, 6);
}

#[test]
fn the_source_cannot_be_the_target() {
    let text = "campaign C {\n    banner 1\n    source `p.d.t`\n    target `p.d.t`\n    phase 1: 2025-04-01..2025-04-10 -> 2025-05-25\n}\n";
    let error = only(text, "E0506");
    assert_eq!(place(text, error.labels[0].span), (4, 13, 5));
}

#[test]
fn warnings_for_target_inside_days_and_gaps() {
    let text = campaign(
        "    phase 1: 2025-04-01..2025-04-10 -> 2025-04-05\n    phase 2: 2025-04-15..2025-04-20 -> 2025-05-26\n",
    );
    let target = only(&text, "W0501");
    assert!(!target.is_error());
    assert_eq!(place(&text, target.labels[0].span), (5, 40, 10));
    let gap = only(&text, "W0503");
    assert_eq!(
        gap.message,
        "no phase takes the days 2025-04-11..2025-04-14"
    );
    assert_eq!(place(&text, gap.labels[0].span), (6, 14, 22));
}

#[test]
fn deny_warnings_makes_them_errors() {
    let text = campaign("    phase 1: 2025-04-01..2025-04-10 -> 2025-04-05\n");
    let (spec, _) = bannerc::syntax::parse(&text);
    let campaign = bannerc::plan::expand(&spec.expect("parses"), None).expect("expands");
    assert!(check(&campaign, false).iter().all(|d| !d.is_error()));
    assert!(
        check(&campaign, true)
            .iter()
            .any(|d| d.is_error() && d.code == "W0501")
    );
}

#[test]
fn in_place_steps_follow_the_dependencies() {
    let text = campaign(
        "    phase 1: 2025-04-01..2025-04-10 -> 2025-05-25\n    phase 2: 2025-04-11..2025-04-20 -> 2025-05-26\n",
    );
    let (spec, _) = bannerc::syntax::parse(&text);
    let campaign = bannerc::plan::expand(&spec.expect("parses"), None).expect("expands");
    let graph = OpGraph::build(&campaign, Mode::InPlace).expect("acyclic");
    use Operation::*;
    assert_eq!(
        graph.order,
        vec![
            Snapshot,
            PreCheck,
            FixFields { phase: 1 },
            Relabel { phase: 1 },
            FixFields { phase: 2 },
            Relabel { phase: 2 },
            Insert,
            PostCheck,
            LedgerWrite
        ]
    );
    let position = |op: Operation| graph.order.iter().position(|o| *o == op).expect("present");
    for edge in graph.graph.raw_edges() {
        let (from, to) = (graph.graph[edge.source()], graph.graph[edge.target()]);
        assert!(
            position(from) < position(to),
            "{from:?} -> {to:?} runs backwards"
        );
    }
    let dot = graph.to_dot("C");
    assert!(dot.starts_with("digraph \"C\" {") && dot.contains("relabel phase 2"));
}

#[test]
fn a_cycle_is_reported_whole() {
    let node = |name: &'static str, reads: RowSet, writes: RowSet| AccessNode {
        item: name,
        reads: vec![Access::new(reads, 1)],
        writes: vec![Access::new(writes, 1)],
    };
    let nodes = vec![
        node("a", RowSet::Ledger, RowSet::Taken),
        node("b", RowSet::Taken, RowSet::TargetOwn),
        node("c", RowSet::TargetOwn, RowSet::Ledger),
    ];
    let error = order_accesses(nodes, |name| name.to_string()).expect_err("a cycle");
    assert_eq!(error.0, vec!["a", "b", "c", "a"]);
    assert_eq!(
        error.to_string(),
        "the operations form a cycle: a -> b -> c -> a"
    );
}

#[test]
fn tables_that_are_one_in_practice_are_refused() {
    let case = "campaign C {\n    banner 1\n    source `p.d.Staging`\n    target `p.d.staging`\n    phase 1: 2025-04-01..2025-04-10 -> 2025-05-25\n}\n";
    assert_eq!(place(case, only(case, "E0506").labels[0].span), (4, 13, 11));
    let ledger = "campaign C {\n    banner 1\n    source `p.d.staging`\n    target `p.d.BANNERC_RUNS`\n    phase 1: 2025-04-01..2025-04-10 -> 2025-05-25\n}\n";
    assert_eq!(
        place(ledger, only(ledger, "E0509").labels[0].span),
        (4, 13, 16)
    );
}

#[test]
fn days_a_zone_skipped_are_caught() {
    let text = "campaign C {\n    banner 1\n    zone Pacific/Apia\n    source `p.d.s`\n    target `p.d.t`\n    phase 1: 2011-12-20..2011-12-29 -> 2011-12-30\n    phase 2: 2011-12-30 -> 2012-01-05\n}\n";
    let error = only(text, "E0510");
    assert_eq!(place(text, error.labels[0].span), (6, 40, 10));
    let warning = only(text, "W0507");
    assert!(!warning.is_error());
    assert_eq!(place(text, warning.labels[0].span), (7, 14, 10));
}

#[test]
fn values_beyond_what_the_engines_hold_are_refused() {
    let text = campaign(
        "    phase 1: 0000-01-01..0000-01-02 -> 2025-05-25\n    end_time = start_time + 90000s\n",
    );
    assert_eq!(place(&text, only(&text, "E0511").labels[0].span).0, 5);
    assert!(only(&text, "E0513").message.contains("90000"));
}

#[test]
fn dead_settings_are_warned_about() {
    let text = campaign(
        "    phase 1: 2025-04-01..2025-04-10 + log \"x\" except log \"x\" -> 2025-05-25\n    check {\n        variance <= 5%\n    }\n",
    );
    assert_eq!(place(&text, only(&text, "W0505").labels[0].span).0, 7);
    let contradiction = only(&text, "W0506");
    assert_eq!(place(&text, contradiction.labels[0].span), (5, 58, 3));
}
