//! The operation graph: one node per operation of a run, an edge wherever
//! one operation must precede another because of the rows they read and
//! write. The in-place lowering emits statements in its topological order.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fmt::Write as _;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::ir::{Access, Campaign, Mode, Operation, PhaseId, RowSet};

/// Something with accesses to order: an operation or, in tests, anything.
#[derive(Debug, Clone)]
pub struct AccessNode<T> {
    pub item: T,
    pub reads: Vec<Access>,
    pub writes: Vec<Access>,
}

/// A cycle among operations: each must run before the next, and the last
/// before the first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the operations form a cycle: {}", .0.join(" -> "))]
pub struct CycleError(pub Vec<String>);

/// The operations of a run and the order they must run in.
#[derive(Debug, Clone)]
pub struct OpGraph {
    pub graph: DiGraph<Operation, RowSet>,
    /// Every node, in a topological order that keeps the declared order
    /// wherever the dependencies allow.
    pub order: Vec<Operation>,
}

impl OpGraph {
    /// The operations of `campaign` run in `mode`, ordered.
    pub fn build(campaign: &Campaign, mode: Mode) -> Result<OpGraph, CycleError> {
        let ids: Vec<PhaseId> = campaign.phases.iter().map(|p| p.id).collect();
        let nodes = declared_operations(&ids, mode)
            .into_iter()
            .map(|op| AccessNode {
                item: op,
                reads: op.reads(&ids, mode),
                writes: op.writes(),
            })
            .collect();
        let (graph, order) = order_accesses(nodes, |op| op.label())?;
        Ok(OpGraph {
            order: order.iter().map(|&i| graph[i]).collect(),
            graph,
        })
    }

    /// The graph as Graphviz dot, nodes in run order.
    pub fn to_dot(&self, title: &str) -> String {
        let mut dot = format!("digraph \"{}\" {{\n    rankdir=TB;\n", dot_escape(title));
        dot.push_str("    node [shape=box, fontname=\"Helvetica\"];\n");
        for index in self.graph.node_indices() {
            let label = dot_escape(&self.graph[index].label());
            let _ = writeln!(dot, "    n{} [label=\"{label}\"];", index.index());
        }
        for edge in self.graph.edge_references() {
            let rows = dot_escape(&rows_label(edge.weight()));
            let _ = writeln!(
                dot,
                "    n{} -> n{} [label=\"{rows}\"];",
                edge.source().index(),
                edge.target().index()
            );
        }
        dot.push_str("}\n");
        dot
    }
}

/// The operations of a run in their natural order (phases interleaved).
fn declared_operations(phases: &[PhaseId], mode: Mode) -> Vec<Operation> {
    match mode {
        Mode::Fused => vec![
            Operation::Collect,
            Operation::PreCheck,
            Operation::Insert,
            Operation::PostCheck,
            Operation::LedgerWrite,
        ],
        Mode::InPlace => {
            let mut ops = vec![Operation::Snapshot, Operation::PreCheck];
            for &phase in phases {
                ops.push(Operation::FixFields { phase });
                ops.push(Operation::Relabel { phase });
            }
            ops.extend([
                Operation::Insert,
                Operation::PostCheck,
                Operation::LedgerWrite,
            ]);
            ops
        }
    }
}

fn rows_label(rows: &RowSet) -> String {
    match rows {
        RowSet::Staging => "staging".into(),
        RowSet::StagingPhase { phase } => format!("staging rows of phase {phase}"),
        RowSet::Snapshot => "backup of staging".into(),
        RowSet::Taken => "taken rows".into(),
        RowSet::TargetOwn => "target rows of this campaign".into(),
        RowSet::Ledger => "ledger".into(),
        RowSet::PreChecked => "pre-flight checks passed".into(),
        RowSet::PostChecked => "post-write checks passed".into(),
    }
}

fn dot_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Build the dependency graph of `nodes` and order it.
///
/// An edge `a -> b` means `a` must run first: `a` writes a version of rows
/// that `b` reads, or `a` reads a version that `b` overwrites, or `a` makes
/// the version just before the one `b` makes. Among the nodes ready to run,
/// the one declared first goes first, so the order is deterministic. A cycle
/// is reported whole.
pub fn order_accesses<T: Clone>(
    nodes: Vec<AccessNode<T>>,
    label: impl Fn(&T) -> String,
) -> Result<(DiGraph<T, RowSet>, Vec<NodeIndex>), CycleError> {
    let mut graph = DiGraph::with_capacity(nodes.len(), nodes.len() * 2);
    let indices: Vec<NodeIndex> = nodes
        .iter()
        .map(|n| graph.add_node(n.item.clone()))
        .collect();
    let index = AccessIndex::new(&nodes, &indices);

    let mut edges: HashMap<(NodeIndex, NodeIndex), RowSet> = HashMap::new();
    let mut edge = |from: NodeIndex, to: NodeIndex, rows: RowSet| {
        if from != to {
            edges.entry((from, to)).or_insert(rows);
        }
    };
    for (node, &me) in nodes.iter().zip(&indices) {
        for read in &node.reads {
            for (writer, rows) in index.writers_of(read.rows, read.version) {
                edge(writer, me, rows);
            }
            for (writer, rows) in index.writers_of(read.rows, read.version + 1) {
                edge(me, writer, rows);
            }
        }
        for write in &node.writes {
            for (writer, rows) in index.writers_of(write.rows, write.version + 1) {
                edge(me, writer, rows);
            }
        }
    }
    let mut edges: Vec<((NodeIndex, NodeIndex), RowSet)> = edges.into_iter().collect();
    edges.sort_unstable_by_key(|(ends, _)| *ends);
    for ((from, to), rows) in edges {
        graph.add_edge(from, to, rows);
    }

    match kahn_order(&graph) {
        Some(order) => Ok((graph, order)),
        None => Err(find_cycle(&graph, label)),
    }
}

/// Writers indexed by the rows and version they make.
struct AccessIndex {
    writers: HashMap<(RowSet, u32), Vec<NodeIndex>>,
    /// Writers of any single phase's staging rows, by version.
    phase_writers: HashMap<u32, Vec<(NodeIndex, RowSet)>>,
}

impl AccessIndex {
    fn new<T>(nodes: &[AccessNode<T>], indices: &[NodeIndex]) -> Self {
        let mut writers: HashMap<(RowSet, u32), Vec<NodeIndex>> = HashMap::new();
        let mut phase_writers: HashMap<u32, Vec<(NodeIndex, RowSet)>> = HashMap::new();
        for (node, &index) in nodes.iter().zip(indices) {
            for write in &node.writes {
                writers
                    .entry((write.rows, write.version))
                    .or_default()
                    .push(index);
                if matches!(write.rows, RowSet::StagingPhase { .. }) {
                    phase_writers
                        .entry(write.version)
                        .or_default()
                        .push((index, write.rows));
                }
            }
        }
        AccessIndex {
            writers,
            phase_writers,
        }
    }

    /// Every writer that makes `version` of rows that may overlap `rows`.
    fn writers_of(&self, rows: RowSet, version: u32) -> Vec<(NodeIndex, RowSet)> {
        let exact = self
            .writers
            .get(&(rows, version))
            .into_iter()
            .flatten()
            .map(|&i| (i, rows));
        let mut found: Vec<(NodeIndex, RowSet)> = exact.collect();
        match rows {
            RowSet::Staging => {
                found.extend(
                    self.phase_writers
                        .get(&version)
                        .into_iter()
                        .flatten()
                        .copied(),
                );
            }
            RowSet::StagingPhase { .. } => {
                let whole = self
                    .writers
                    .get(&(RowSet::Staging, version))
                    .into_iter()
                    .flatten();
                found.extend(whole.map(|&i| (i, RowSet::Staging)));
            }
            _ => {}
        }
        found
    }
}

/// Kahn's algorithm, taking the lowest-numbered ready node first; `None`
/// when the graph has a cycle.
fn kahn_order<T>(graph: &DiGraph<T, RowSet>) -> Option<Vec<NodeIndex>> {
    let mut in_degree: Vec<usize> = graph
        .node_indices()
        .map(|n| graph.neighbors_directed(n, petgraph::Incoming).count())
        .collect();
    let mut ready: BinaryHeap<Reverse<NodeIndex>> = graph
        .node_indices()
        .filter(|n| in_degree[n.index()] == 0)
        .map(Reverse)
        .collect();
    let mut order = Vec::with_capacity(graph.node_count());
    while let Some(Reverse(node)) = ready.pop() {
        order.push(node);
        for next in graph.neighbors_directed(node, petgraph::Outgoing) {
            in_degree[next.index()] -= 1;
            if in_degree[next.index()] == 0 {
                ready.push(Reverse(next));
            }
        }
    }
    (order.len() == graph.node_count()).then_some(order)
}

/// One whole cycle of the graph, as labels, starting at its lowest node.
fn find_cycle<T>(graph: &DiGraph<T, RowSet>, label: impl Fn(&T) -> String) -> CycleError {
    let component = tarjan_scc(graph)
        .into_iter()
        .filter(|scc| scc.len() > 1)
        .min_by_key(|scc| scc.iter().min().copied())
        .unwrap_or_default();
    let Some(&start) = component.iter().min() else {
        return CycleError(Vec::new());
    };
    let mut path = vec![start];
    let mut current = start;
    loop {
        let next = graph
            .neighbors_directed(current, petgraph::Outgoing)
            .filter(|n| component.contains(n))
            .min_by_key(|n| if *n == start { 0 } else { n.index() + 1 });
        match next {
            Some(n) if n == start || path.contains(&n) => {
                let from = path.iter().position(|p| *p == n).unwrap_or(0);
                let mut cycle: Vec<String> =
                    path[from..].iter().map(|&i| label(&graph[i])).collect();
                cycle.push(label(&graph[n]));
                return CycleError(cycle);
            }
            Some(n) => {
                path.push(n);
                current = n;
            }
            None => return CycleError(path.iter().map(|&i| label(&graph[i])).collect()),
        }
    }
}
