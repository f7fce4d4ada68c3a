// Collecting nodes of one kind from a raw parse tree (an expression, or a
// SELECT with its FROM list), with PostgreSQL's raw_expression_tree_walker.
#pragma once

#include "pg_nodes.hpp"

#include <vector>

namespace migsafe {

// Every node tagged tag in tree, outermost first. The walk runs inside
// pg_call(): the walker can raise an ERROR (stack depth), and nothing a rule
// asks about the nodes (its Context may throw) runs inside PostgreSQL's
// walker frames.
std::vector<Node *> raw_nodes_of(Node *tree, NodeTag tag);

}  // namespace migsafe
