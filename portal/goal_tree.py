"""A department's goal tree (city goal → department goal → key task) with its indicators, as
the department page shows it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from portal.models import Cycle, Department, Goal, Indicator


@dataclass
class GoalNode:
    """A goal in the department's tree, with how the department is involved in it."""

    goal: Goal
    role: str  # "owner", "co" or "context" (an ancestor shown only for orientation)
    children: list[GoalNode] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)


def build_goal_tree(goals: list[Goal], department: Department) -> list[GoalNode]:
    """City goal → department goal → key task, from the department's goals and their ancestors.

    ``goals`` holds the department's goals (``direct`` true: it leads or co-operates on them)
    and their ancestors (``direct`` false), as ``Goal.objects.tree_for`` reads them, so walking
    up the tree costs no queries.
    """
    by_id = {goal.pk: goal for goal in goals}
    nodes: dict[int, GoalNode] = {}
    for goal in goals:
        if goal.direct:
            role = "owner" if goal.owner_id == department.pk else "co"
            nodes[goal.pk] = GoalNode(goal, role)
    for goal in [node.goal for node in nodes.values()]:
        ancestor = by_id.get(goal.parent_id)
        while ancestor is not None and ancestor.pk not in nodes:
            nodes[ancestor.pk] = GoalNode(ancestor, "context")
            ancestor = by_id.get(ancestor.parent_id)
    roots = []
    for node in sorted(nodes.values(), key=lambda n: (n.goal.sort_order, n.goal.code)):
        parent_id = node.goal.parent_id
        if parent_id and parent_id in nodes:
            nodes[parent_id].children.append(node)
        else:
            roots.append(node)
    return roots


def _share_cycle(nodes: list[GoalNode], cycle: Cycle) -> None:
    """Give every goal in the tree the loaded cycle: get_absolute_url needs its year."""
    for node in nodes:
        node.goal.cycle = cycle
        _share_cycle(node.children, cycle)


def _attach_indicators(nodes: list[GoalNode], by_goal: dict[int, list[Indicator]]) -> None:
    for node in nodes:
        node.indicators = by_goal.get(node.goal.pk, [])
        _attach_indicators(node.children, by_goal)


def department_goal_tree(
    department: Department, cycle: Cycle
) -> tuple[list[GoalNode], list[Indicator]]:
    """The department's goal tree in ``cycle`` with each goal's indicators, and the
    indicators of the goals it leads or co-operates on: two queries."""
    goals = Goal.objects.tree_for(department, cycle)
    goals_by_id = {g.pk: g for g in goals if g.direct}
    # The goals are loaded already: no join to read them again with every indicator.
    # Neither the page nor the API's tree shows an indicator's method or adjustment history.
    indicators = Indicator.objects.of_goals(goals_by_id)
    roots = build_goal_tree(goals, department)
    _share_cycle(roots, cycle)
    by_goal = defaultdict(list)
    for indicator in indicators:
        by_goal[indicator.goal_id].append(indicator)
    _attach_indicators(roots, by_goal)
    return roots, indicators
