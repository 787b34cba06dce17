//! Where every key and value of a YAML document is written: a flat tree of
//! nodes, each with its key path and byte spans, so that a diagnostic about
//! `date_mapping.phases[1].target_date` can point at its exact text.
//!
//! The tree is flat (a vector of nodes with parent indices) so that building,
//! walking and dropping it never recurses, however deep the document nests.

use crate::ir::Span;

/// Index of a node in a [`SpanTree`].
pub(super) type NodeId = usize;

/// How a node is reached from its parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Segment {
    /// The value of a mapping key (a complex key is recorded as `?`).
    Key(String),
    /// An item of a list.
    Index(usize),
}

/// What kind of YAML node a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    Scalar,
    Alias,
    List,
    Map,
}

/// One YAML node and where it is written.
#[derive(Debug, Clone)]
pub(super) struct Node {
    pub parent: Option<NodeId>,
    /// How many ancestors the node has (0 for the root).
    pub depth: usize,
    /// `None` for the document's root.
    pub segment: Option<Segment>,
    /// The key's text, for a mapping value.
    pub key_span: Option<Span>,
    /// The value's text (a collection covers all of its entries).
    pub span: Span,
    pub shape: Shape,
    /// Whether the value is an empty plain scalar (`key:` with nothing after it).
    pub is_empty_scalar: bool,
    pub children: Vec<NodeId>,
}

/// The nodes of one YAML document; the first node, if any, is the root.
#[derive(Debug, Clone, Default)]
pub(super) struct SpanTree {
    pub(super) nodes: Vec<Node>,
}

impl SpanTree {
    /// The document's root node, if the document has one.
    pub fn root(&self) -> Option<Section<'_>> {
        (!self.nodes.is_empty()).then_some(Section { tree: self, id: 0 })
    }

    /// Every node, in document order.
    pub fn sections(&self) -> impl Iterator<Item = Section<'_>> {
        (0..self.nodes.len()).map(|id| Section { tree: self, id })
    }

    /// The deepest node whose value starts at `offset`, else the deepest one
    /// that contains it: where a located error from another parser belongs.
    pub fn node_at(&self, offset: usize) -> Option<Section<'_>> {
        let depth_of = |id: NodeId| self.nodes[id].depth;
        let starting = (0..self.nodes.len()).filter(|&id| self.nodes[id].span.start == offset);
        let best = starting.max_by_key(|&id| depth_of(id)).or_else(|| {
            let containing = (0..self.nodes.len()).filter(|&id| {
                let span = self.nodes[id].span;
                span.start <= offset && offset < span.end
            });
            containing.max_by_key(|&id| depth_of(id))
        });
        best.or(self.root().map(|root| root.id))
            .map(|id| Section { tree: self, id })
    }

    fn ancestors(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        std::iter::successors(self.nodes[id].parent, |&parent| self.nodes[parent].parent)
    }

    /// The key path of a node, such as `date_mapping.phases[1].target_date`.
    fn path(&self, id: NodeId) -> String {
        let mut segments: Vec<&Segment> = std::iter::once(id)
            .chain(self.ancestors(id))
            .filter_map(|node| self.nodes[node].segment.as_ref())
            .collect();
        segments.reverse();
        let mut path = String::new();
        for segment in segments {
            match segment {
                Segment::Key(key) if path.is_empty() => path.push_str(key),
                Segment::Key(key) => {
                    path.push('.');
                    path.push_str(key);
                }
                Segment::Index(index) => path.push_str(&format!("[{index}]")),
            }
        }
        path
    }
}

/// A node of the tree, with the navigation the front end needs.
#[derive(Debug, Clone, Copy)]
pub(super) struct Section<'t> {
    tree: &'t SpanTree,
    id: NodeId,
}

impl<'t> Section<'t> {
    fn node(&self) -> &'t Node {
        &self.tree.nodes[self.id]
    }

    /// The key path of this node (empty for the root).
    pub fn path(&self) -> String {
        self.tree.path(self.id)
    }

    /// The key path of a key inside this mapping, present or not.
    pub fn path_of(&self, key: &str) -> String {
        let path = self.path();
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    }

    /// The value's text.
    pub fn span(&self) -> Span {
        self.node().span
    }

    /// The key's text, if this node is a mapping value.
    pub fn key_span(&self) -> Option<Span> {
        self.node().key_span
    }

    /// What kind of node this is.
    pub fn shape(&self) -> Shape {
        self.node().shape
    }

    /// Whether the value is an empty plain scalar (`key:` and nothing else).
    pub fn is_empty_scalar(&self) -> bool {
        self.node().is_empty_scalar
    }

    /// The key of this node in its parent mapping, if any.
    pub fn key(&self) -> Option<&'t str> {
        match &self.node().segment {
            Some(Segment::Key(key)) => Some(key),
            _ => None,
        }
    }

    /// The entries of this mapping or list, in order.
    pub fn children(&self) -> impl Iterator<Item = Section<'t>> + 't {
        let tree = self.tree;
        self.node()
            .children
            .iter()
            .map(move |&id| Section { tree, id })
    }

    /// The value of `key` in this mapping (the first, if written twice).
    pub fn field(&self, key: &str) -> Option<Section<'t>> {
        self.children().find(|child| child.key() == Some(key))
    }

    /// The `index`th item of this list.
    pub fn item(&self, index: usize) -> Option<Section<'t>> {
        let child = self.children().nth(index)?;
        matches!(child.node().segment, Some(Segment::Index(_))).then_some(child)
    }
}
