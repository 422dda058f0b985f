"""Syntax tree of rule expressions. Every node keeps its span in the source text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Node:
    pos: int
    end: int


@dataclass(frozen=True, slots=True)
class Literal(Node):
    value: Any


@dataclass(frozen=True, slots=True)
class Name(Node):
    name: str


@dataclass(frozen=True, slots=True)
class Param(Node):
    """``$qd11.lecturer_share_min``: a dated parameter."""

    name: str


@dataclass(frozen=True, slots=True)
class RuleRef(Node):
    """``@lao_dong_tien_tien``: another rule's verdict (by id or concept) as a truth value."""

    name: str


@dataclass(frozen=True, slots=True)
class Attr(Node):
    obj: Node
    name: str


@dataclass(frozen=True, slots=True)
class Unary(Node):
    op: str
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary(Node):
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class ListLit(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Call(Node):
    func: str
    args: tuple[Node, ...]
    func_pos: int


def walk(node: Node) -> Iterator[Node]:
    """Yield the node and all its descendants (depth first)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, Attr):
            stack.append(current.obj)
        elif isinstance(current, Unary):
            stack.append(current.operand)
        elif isinstance(current, Binary):
            stack.extend((current.right, current.left))
        elif isinstance(current, ListLit):
            stack.extend(reversed(current.items))
        elif isinstance(current, Call):
            stack.extend(reversed(current.args))
