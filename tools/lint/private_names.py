"""An import-linter contract: no package imports another package's private names.

A name that starts with an underscore (``from portal.workspace.selectors import
_helper``) belongs to its own app; another app that needs it should ask for a public
function instead. Imports inside one app are free.
"""

from __future__ import annotations

import re

import grimp
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck
from importlinter.domain.helpers import module_expressions_to_modules

_IMPORTED_NAMES = re.compile(r"^\s*from\s+\S+\s+import\s+\(?(?P<names>[^)#]*)")


def _private_names(line: str) -> list[str]:
    match = _IMPORTED_NAMES.match(line)
    if match is None:
        return []
    names = [part.split(" as ")[0].strip() for part in match.group("names").split(",")]
    return [name for name in names if name.startswith("_") and not name.startswith("__")]


class PrivateNamesContract(Contract):
    type_name = "private_names"

    containers = fields.ListField(subfield=fields.ModuleExpressionField())

    def _owner(self, module: str, containers: set[str]) -> str:
        for container in containers:
            if module == container or module.startswith(container + "."):
                rest = module[len(container) + 1 :]
                return f"{container}.{rest.split('.')[0]}" if rest else container
        return module

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        containers = {m.name for m in module_expressions_to_modules(graph, self.containers)}  # type: ignore[arg-type]
        violations = []
        for importer in sorted(graph.modules):
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if self._owner(importer, containers) == self._owner(imported, containers):
                    continue
                for detail in graph.get_import_details(importer=importer, imported=imported):
                    for name in _private_names(detail["line_contents"]):
                        violations.append(
                            f"{importer} (l.{detail['line_number']}) imports {imported}.{name}"
                        )
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        from importlinter.application import output

        for violation in check.metadata["violations"]:
            output.print_error(f"- {violation}")
            output.new_line()
