#include "raw_nodes.hpp"

#include "../parser/pg_call.hpp"

namespace migsafe {

namespace {

struct Collect {
    NodeTag tag;
    List *found;
};

bool collect(Node *node, Collect *collect_into) {
    if (node == nullptr) return false;
    if (nodeTag(node) == collect_into->tag) collect_into->found = lappend(collect_into->found, node);
    // PostgreSQL 15 declares the walker as bool (*)(); cast through void (*)(void).
    auto walker = reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)(void)>(collect));
    return raw_expression_tree_walker(node, walker, collect_into);
}

}  // namespace

std::vector<Node *> raw_nodes_of(Node *tree, NodeTag tag) {
    Collect collect_into = {tag, NIL};
    pg_call([&] { collect(tree, &collect_into); });
    std::vector<Node *> nodes;
    ListCell *cell;
    foreach (cell, collect_into.found) nodes.push_back(static_cast<Node *>(lfirst(cell)));
    return nodes;
}

}  // namespace migsafe
