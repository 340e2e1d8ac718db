"""The exercise checker used by every notebook.

A notebook ships each exercise as a cell that runs as it is, with a neutral default
(``answer = None``, or a function whose body returns ``None``), followed by
``q1.check(answer)``. Left like that, ``check`` reports *not attempted yet* and the notebook still
runs end to end. A wrong answer gets a friendly explanation; ``hint()`` and ``solution()`` help.

An exercise is defined by a checking function that raises :class:`AssertionError` with a message
for the student when the answer is wrong (and :class:`NotAttempted` when it sees the neutral
default), plus a hint. Its worked solution is a file of its own, ``helpers/solutions/<key>.py``,
which must assign ``answer``; the test suite runs it and checks that it passes, and that every entry
of ``wrong_answers`` fails. A student release leaves ``helpers/solutions/`` out: there,
:meth:`Exercise.solution` says plainly that this copy has no worked solutions.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

#: Where the worked solutions live (absent from a student release).
SOLUTIONS_DIR = Path(__file__).resolve().parent.parent / "solutions"
NO_SOLUTIONS = ("This copy of the course has no worked solutions (it is a student release). "
                "Use .hint() for a nudge, or ask your instructor.")

CORRECT = "correct"
INCORRECT = "incorrect"
NOT_ATTEMPTED = "not attempted"


class NotAttempted(Exception):
    """Raised by a checking function when the answer is still the shipped default."""


@dataclass
class Exercise:
    """One exercise: a checker with a hint and a worked solution."""

    title: str
    checker: Callable[[Any], None]
    hint_text: str
    #: Name of the worked solution's file in :data:`SOLUTIONS_DIR`, e.g. ``"nb01_q1"``.
    key: str
    #: Answers that must be rejected (used by the test suite; may be callables building them).
    wrong_answers: list[Any] = field(default_factory=list)
    #: Message printed when the answer is right: what the result means.
    success_message: str = "Correct!"

    def status(self, answer: Any) -> tuple[str, str]:
        """Return ``(status, message)`` for ``answer`` without printing anything."""
        if answer is None or answer is Ellipsis:
            return NOT_ATTEMPTED, "Not attempted yet: replace the default in the cell above, then run it again."
        try:
            self.checker(answer)
        except NotAttempted as note:
            return NOT_ATTEMPTED, str(note) or "Not attempted yet: fill in the cell above."
        except AssertionError as error:
            return INCORRECT, f"Not quite. {error}"
        except Exception as error:  # noqa: BLE001 - the student's own code raised: report it, do not crash
            return INCORRECT, f"Your answer raised {type(error).__name__}: {error}"
        return CORRECT, self.success_message

    def check(self, answer: Any) -> None:
        """Print feedback on ``answer`` (use :meth:`status` to get it as a value)."""
        status, message = self.status(answer)
        mark = {CORRECT: "[correct]", INCORRECT: "[try again]", NOT_ATTEMPTED: "[not attempted yet]"}[status]
        print(f"{self.title} {mark} {message}")
        if status == INCORRECT:
            print("  Need a nudge? Run .hint(); to see a worked answer, run .solution().")

    def hint(self) -> None:
        """Print a hint."""
        print(f"Hint for {self.title}: {self.hint_text}")

    @property
    def solution_path(self) -> Path:
        """The file of the worked solution (it may be absent: a student release)."""
        return SOLUTIONS_DIR / f"{self.key}.py"

    @property
    def solution_code(self) -> str | None:
        """The worked solution's code (without its docstring), or ``None`` in a student release."""
        if not self.solution_path.is_file():
            return None
        code = self.solution_path.read_text(encoding="utf-8")
        if code.startswith('"""'):
            code = code.split('"""', 2)[2]
        return code.strip("\n") + "\n"

    def solution(self) -> None:
        """Print a worked solution (code that sets ``answer``), or say that this copy has none."""
        code = self.solution_code
        if code is None:
            print(f"{self.title}: {NO_SOLUTIONS}")
            return
        print(f"Solution for {self.title}:\n\n{code.strip()}")

    def solution_answer(self, namespace: dict[str, Any] | None = None) -> Any:
        """Run the solution code and return the ``answer`` it defines."""
        code = self.solution_code
        if code is None:
            raise FileNotFoundError(f"{self.title}: no worked solution at {self.solution_path}. {NO_SOLUTIONS}")
        scope: dict[str, Any] = dict(namespace or {})
        exec(compile(code, str(self.solution_path), "exec"), scope)  # noqa: S102
        if "answer" not in scope:
            raise RuntimeError(f"the solution of {self.title} does not assign `answer`")
        return scope["answer"]

    def __repr__(self) -> str:
        return f"Exercise({self.title!r})"
