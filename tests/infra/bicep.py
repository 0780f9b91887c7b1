"""The Bicep templates as a real parser reads them, and instantiated for given parameters.

``pycep-parser`` (PyPI) turns each ``.bicep`` file into a JSON-like tree. Its trees do not tell an
identifier from a string literal (both are ``str``), and interpolated strings stay raw text, so
this module resolves names the way Bicep scopes them: a string that is exactly the name of a
parameter, variable, resource or module of the file is that symbol; anything else is a literal.

``Template.instantiate`` evaluates what can be known before deployment: parameters (defaults
or given), variables, conditionals, comparisons, ``union``, ``empty``, ``string``, ``max``,
``filter`` with a lambda, ``[for item in array: ...]`` expressions inside values, and module
outputs. What only Azure knows (a resource's id, a client id, ``uniqueString``) stays a ``Ref``
that prints as the Bicep expression, e.g. ``hostIdentity.properties.clientId`` or
``vnet.properties.subnets[1].id``.

The parser ignores operator precedence, so the templates parenthesise every comparison and
logical operator used inside a conditional; a template that forgot would evaluate wrongly here,
and the behaviour tests would say so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, cast

from pycep import BicepParser

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
MAIN = INFRA / "main.bicep"

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INTERPOLATION = re.compile(r"\$\{([^{}]*)\}")
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:(?:\.|::)[A-Za-z_][A-Za-z0-9_]*)*")


@cache
def parsed(path: Path) -> dict[str, Any]:
    tree = BicepParser().parse(file_path=path)
    return cast("dict[str, Any]", tree)


def bicep_files() -> list[Path]:
    return sorted(INFRA.rglob("*.bicep"))


class Ref(str):
    """A value only Azure can compute, kept as its Bicep expression (and equal to that text)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Ref({str(self)!r})"


@dataclass(frozen=True, slots=True)
class Resource:
    symbol: str
    type: str
    api_version: str
    body: dict[str, Any]  # evaluated: name, properties, sku, ...
    loop: bool = False


@dataclass(slots=True)
class Template:
    path: Path
    params: dict[str, Any]
    tree: dict[str, Any] = field(init=False)
    _variables: dict[str, Any] = field(init=False, default_factory=dict)
    _modules: dict[str, Template | None] = field(init=False, default_factory=dict)
    # The items of the ``for`` expressions being evaluated, innermost last.
    _loop_items: list[dict[str, Any]] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.tree = parsed(self.path)

    # --- instantiation -----------------------------------------------------------------------

    @classmethod
    def instantiate(cls, path: Path, given: Mapping[str, Any] | None = None) -> Template:
        given = dict(given or {})
        template = cls(path, {})
        declared = template.tree.get("parameters", {})
        unknown = given.keys() - declared.keys()
        if unknown:
            raise KeyError(f"{path.name} has no parameters {sorted(unknown)}")
        for name, spec in declared.items():
            if name in given:
                allowed = _allowed(spec)
                if allowed is not None and given[name] not in allowed:
                    raise ValueError(f"{path.name}: {name}={given[name]!r} is not allowed")
                template.params[name] = given[name]
            elif spec.get("default") is not None:  # the parser gives None for "no default"
                template.params[name] = template.eval(spec["default"])
            else:
                raise KeyError(f"{path.name} needs parameter {name!r}")
        return template

    def declared_parameters(self) -> dict[str, Any]:
        parameters: dict[str, Any] = self.tree.get("parameters", {})
        return parameters

    def variable(self, name: str) -> Any:
        if name not in self._variables:
            self._variables[name] = self.eval(self.tree["variables"][name]["value"])
        return self._variables[name]

    def output(self, name: str) -> Any:
        return self.eval(self.tree["outputs"][name]["value"])

    def module(self, symbol: str) -> Template | None:
        """The module instantiated with the arguments this file passes; None if not deployed."""
        if symbol not in self._modules:
            spec = self.tree["modules"][symbol]
            body, condition, _ = _unwrap(spec["config"])
            if condition is not None and not self.eval(condition):
                self._modules[symbol] = None
            else:
                arguments = {k: self.eval(v) for k, v in body.get("params", {}).items()}
                path = (self.path.parent / spec["detail"]["path"]).resolve()
                self._modules[symbol] = Template.instantiate(path, arguments)
        return self._modules[symbol]

    def module_symbols(self) -> list[str]:
        return list(self.tree.get("modules", {}))

    def resources(self, type_: str | None = None) -> Iterator[Resource]:
        """Deployed resources (conditions evaluated), children included, optionally of one type."""
        for symbol, spec in self.tree.get("resources", {}).items():
            if spec.get("existing"):
                continue
            for resource in self._resource(symbol, spec["type"], spec["api_version"], spec):
                if type_ is None or resource.type.lower() == type_.lower():
                    yield resource

    def resource(self, symbol: str) -> Resource:
        for resource in self.resources():
            if resource.symbol == symbol:
                return resource
        raise LookupError(f"{self.path.name}: resource {symbol!r} is not deployed")

    def loop_items(self, symbol: str) -> Any:
        """The array a resource loop (``[for item in array: {...}]``) iterates over, evaluated."""
        return self.eval(_loop_array(self.tree["resources"][symbol]["config"]))

    def all_templates(self) -> Iterator[Template]:
        """This template and every module it deploys, recursively."""
        yield self
        for symbol in self.module_symbols():
            module = self.module(symbol)
            if module is not None:
                yield from module.all_templates()

    def _resource(
        self, symbol: str, type_: str, api_version: str, spec: dict[str, Any]
    ) -> Iterator[Resource]:
        body, condition, loop = _unwrap(spec["config"])
        if condition is not None and not self.eval(condition):
            return
        if loop and self.eval(_loop_array(spec["config"])) == []:
            return
        child = body.get("__child_resource__")
        evaluated = {
            k: self.eval(v) for k, v in body.items() if k not in {"__child_resource__", "parent"}
        }
        yield Resource(symbol, type_, api_version, evaluated, loop=loop)
        if child is not None:
            attrs = child["__attrs__"]
            yield from self._resource(
                f"{symbol}__{child['__name__']}", f"{type_}/{attrs['type']}", api_version, attrs
            )

    # --- expressions ---------------------------------------------------------------------------

    def symbol(self, name: str) -> tuple[str, Any] | None:
        for items in reversed(self._loop_items):
            if name in items:
                return "item", items[name]
        if name in self.params:
            return "param", self.params[name]
        if name in self.tree.get("variables", {}):
            return "var", self.variable(name)
        if name in self.tree.get("modules", {}):
            return "module", Ref(name)
        if name in self.tree.get("resources", {}):
            return "resource", Ref(name)
        return None

    def eval(self, node: Any) -> Any:  # noqa: PLR0911 - one return per kind of node
        if isinstance(node, dict):
            if set(node) == {"operator"}:
                return self._operator(node["operator"])
            if set(node) == {"function"}:
                return self._function(node["function"])
            if set(node) == {"loop_type", "condition", "config"}:
                return self._loop(node)
            return {self._key(key): self.eval(value) for key, value in node.items()}
        if isinstance(node, list):
            return [self.eval(item) for item in node]
        if isinstance(node, str):
            if _IDENTIFIER.fullmatch(node):
                found = self.symbol(node)
                if found is not None:
                    return found[1]
            text = _INTERPOLATION.sub(self._interpolate, node) if "${" in node else node
            return _unescape(text)
        return node

    def _key(self, key: str) -> str:
        if len(key) >= 2 and key[0] == key[-1] == "'":
            key = key[1:-1]
        return _INTERPOLATION.sub(self._interpolate, key) if "${" in key else key

    def _interpolate(self, match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        if _DOTTED.fullmatch(expression):
            value = self._path(re.split(r"\.|::", expression))
            if isinstance(value, str | int | Ref) and not isinstance(value, bool):
                return str(value)
        return match.group(0)

    def _path(self, parts: list[str]) -> Any:
        head, *rest = parts
        found = self.symbol(head)
        if found is None:
            return Ref(".".join(parts))
        kind, value = found
        if kind == "module" and len(rest) >= 2 and rest[0] == "outputs":
            module = self.module(head)
            if module is None:
                return Ref(".".join(parts))
            value = module.output(rest[1])
            rest = rest[2:]
        for part in rest:
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, Ref):
                value = Ref(f"{value}.{part}")
            else:
                return Ref(".".join(parts))
        return value

    def _loop(self, node: dict[str, Any]) -> Any:
        """``[for item in array: value]`` (optionally ``if (condition)``) inside a value."""
        loop_type, detail = node["loop_type"], node["loop_type"]["detail"]
        array = self.eval(detail["array_name"]) if loop_type["type"] != "object" else None
        if not isinstance(array, list):
            return Ref("[for ...]")
        values = []
        for index, item in enumerate(array):
            names = {detail["item_name"]: item}
            if loop_type["type"] == "array_index":
                names[detail["index_name"]] = index
            self._loop_items.append(names)
            try:
                if node["condition"] is None or self.eval(node["condition"]) is True:
                    values.append(self.eval(node["config"]))
            finally:
                self._loop_items.pop()
        return values

    def _operator(self, operator: dict[str, Any]) -> Any:  # noqa: PLR0911
        kind, operands = operator["type"], operator["operands"]
        match kind:
            case "property_accessor" | "nested_resource_accessor":
                return self._path(_flatten_path(operator))
            case "conditional":
                condition = self.eval(operands["condition"])
                if isinstance(condition, Ref):
                    return Ref(f"({condition} ? ... : ...)")
                branch = "true_value" if condition else "false_value"
                return self.eval(operands[branch])
            case "equals" | "not_equals":
                left, right = self.eval(operands["operand_1"]), self.eval(operands["operand_2"])
                if isinstance(left, Ref) or isinstance(right, Ref):
                    return Ref(f"({left} {kind} {right})")
                return (left == right) == (kind == "equals")
            case "and" | "or":
                left, right = self.eval(operands["operand_1"]), self.eval(operands["operand_2"])
                if isinstance(left, Ref) or isinstance(right, Ref):
                    return Ref(f"({left} {kind} {right})")
                return (left and right) if kind == "and" else (left or right)
            case "not":
                value = self.eval(operands["bool_value"])
                return Ref(f"!{value}") if isinstance(value, Ref) else not value
            case _:
                return Ref(f"<{kind}>")

    def _function(self, function: dict[str, Any]) -> Any:  # noqa: PLR0911 - one per function
        kind, parameters = function["type"], function.get("parameters") or {}
        if kind == "filter":
            return self._filter(parameters)
        arguments = [self.eval(v) for v in parameters.values()]
        match kind:
            case "union" if all(isinstance(a, dict) for a in arguments):
                merged: dict[str, Any] = {}
                for argument in arguments:
                    merged.update(argument)
                return merged
            case "union" if all(isinstance(a, list) for a in arguments):
                return list(dict.fromkeys(item for a in arguments for item in a))
            case "empty":
                # A Ref is a property of a deployed resource (an id, a name): never empty.
                return False if isinstance(arguments[0], Ref) else not arguments[0]
            case "string" if isinstance(arguments[0], int | str):
                return str(arguments[0])
            case "max" if all(isinstance(a, int) for a in arguments):
                return max(arguments)
            case _:
                return Ref(f"{kind}(...)")

    def _filter(self, parameters: dict[str, Any]) -> Any:
        """``filter(array, item => condition)``: the items whose condition is true."""
        array = self.eval(parameters["input_array"])
        lambda_ = parameters["expression"]["detail"]
        if not isinstance(array, list):
            return Ref("filter(...)")
        kept = []
        for item in array:
            self._loop_items.append({lambda_["var_1"]: item})
            try:
                keep = self.eval(lambda_["expression"])
            finally:
                self._loop_items.pop()
            if isinstance(keep, Ref):
                return Ref("filter(...)")
            if keep:
                kept.append(item)
        return kept


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "'": "'", "\\": "\\", "$": "$"}


def _unescape(text: str) -> str:
    """Bicep's escapes in single-quoted strings, which the parser leaves as written.

    (Multi-line strings have no escapes; the templates do not use them.)
    """
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


def _allowed(spec: dict[str, Any]) -> list[Any] | None:
    for decorator in spec.get("decorators", []):
        if decorator["type"] == "allowed":
            allowed: list[Any] = decorator["argument"]
            return allowed
    return None


def allowed_values(path: Path, parameter: str) -> list[Any]:
    allowed = _allowed(parsed(path)["parameters"][parameter])
    if allowed is None:
        raise LookupError(f"{path.name}: {parameter} has no @allowed list")
    return allowed


def symbols(path: Path) -> set[str]:
    tree = parsed(path)
    names: set[str] = set()
    for section in ("parameters", "variables", "resources", "modules"):
        names |= {name.split("__")[-1] for name in tree.get(section, {})}
    return names


def _unwrap(config: dict[str, Any]) -> tuple[dict[str, Any], Any, bool]:
    """(body, condition or None, is a loop) of a resource or module declaration."""
    if "loop_type" in config:
        return config["config"], config.get("condition"), True
    if "condition" in config and "config" in config:
        return config["config"], config["condition"], False
    return config, None, False


def _loop_array(config: dict[str, Any]) -> Any:
    return config["loop_type"]["detail"]["array_name"]


def _flatten_path(operator: dict[str, Any]) -> list[str]:
    parts: list[str] = []
    node: Any = {"operator": operator}
    while isinstance(node, dict) and "operator" in node:
        inner = node["operator"]
        if inner["type"] not in {"property_accessor", "nested_resource_accessor"}:
            parts.append(f"<{inner['type']}>")
            return parts
        first = inner["operands"]["operand_1"]
        indexed = _index(first)
        if indexed is not None:
            parts.append(indexed)
        else:
            parts.append(first if isinstance(first, str) else f"<{_describe(first)}>")
        node = inner["operands"]["operand_2"]
    parts.append(node if isinstance(node, str) else f"<{_describe(node)}>")
    return parts


def _describe(node: Any) -> str:
    if isinstance(node, dict) and "function" in node:
        return f"{node['function']['type']}()"
    return type(node).__name__


def _index(node: Any) -> str | None:
    """``name[index]`` for an index accessor on a plain name with a literal index, else None."""
    operator = node.get("operator") if isinstance(node, dict) else None
    if not isinstance(operator, dict) or operator.get("type") != "index_accessor":
        return None
    name, index = operator["operands"]["operand_1"], operator["operands"]["operand_2"]
    if isinstance(name, str) and isinstance(index, int | str) and not isinstance(index, bool):
        return f"{name}[{index}]"
    return None


def walk(node: Any) -> Iterator[Any]:
    """Every node of a raw parse tree, depth first."""
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def references(node: Any, names: set[str]) -> set[str]:
    """Which of ``names`` a raw parse tree mentions, as a symbol or inside ``${...}``."""
    found: set[str] = set()
    for item in walk(node):
        if not isinstance(item, str):
            continue
        if item in names:
            found.add(item)
        for expression in _INTERPOLATION.findall(item):
            found |= names & set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", expression))
    return found
