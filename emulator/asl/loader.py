"""Parse and validate a definition once, into the typed tree of emulator.asl.nodes.

Problems are collected as diagnostics at the offending location (``/States/A/Next``) rather than
stopping at the first; ``load`` raises InvalidDefinition with all of them, worded as
Step Functions words them.
"""

from __future__ import annotations

from typing import Any

from emulator import inbound
from emulator.asl import errors
from emulator.asl.choice import RuleError, compile_rule
from emulator.asl.diagnostics import Diagnostic, InvalidDefinition
from emulator.asl.fields import Fields
from emulator.asl.map_loader import load_map
from emulator.asl.nodes import (
    JSONATA,
    JSONPATH,
    Catcher,
    ChoiceRule,
    ChoiceState,
    FailState,
    Machine,
    MapState,
    ParallelState,
    PassState,
    Retrier,
    State,
    SucceedState,
    TaskState,
    WaitState,
)
from emulator.asl.resources import check_resource, express_problem

STATE_TYPES = ("Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")
TOP_FIELDS = {"Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage"}
BRANCH_FIELDS = {"Comment", "StartAt", "States", "ProcessorConfig"}

_COMMON = {"Type", "Comment", "QueryLanguage"}
_FLOW = {"Next", "End"}
_JSONPATH_IO = {"InputPath", "OutputPath"}
_ERRORS = {"Retry", "Catch"}

# Fields each state type accepts, and which of them belong to one query language.
ALLOWED: dict[str, set[str]] = {
    "Pass": _COMMON | _FLOW | _JSONPATH_IO | {"Parameters", "ResultPath", "Result", "Assign",
                                             "Output"},
    "Task": _COMMON | _FLOW | _JSONPATH_IO | _ERRORS | {
        "Resource", "Parameters", "ResultPath", "ResultSelector", "TimeoutSeconds",
        "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials",
        "Assign", "Arguments", "Output"},
    "Choice": _COMMON | _JSONPATH_IO | {"Choices", "Default", "Assign", "Output"},
    "Wait": _COMMON | _FLOW | _JSONPATH_IO | {"Seconds", "Timestamp", "SecondsPath",
                                             "TimestampPath", "Assign", "Output"},
    "Succeed": _COMMON | _JSONPATH_IO | {"Output"},
    "Fail": _COMMON | {"Error", "Cause", "ErrorPath", "CausePath"},
    "Parallel": _COMMON | _FLOW | _JSONPATH_IO | _ERRORS | {
        "Branches", "Parameters", "ResultPath", "ResultSelector", "Assign", "Arguments",
        "Output"},
    "Map": _COMMON | _FLOW | _JSONPATH_IO | _ERRORS | {
        "Iterator", "ItemProcessor", "ItemsPath", "Items", "ItemSelector", "Parameters",
        "ResultPath", "ResultSelector", "MaxConcurrency", "MaxConcurrencyPath",
        "ToleratedFailurePercentage", "ToleratedFailurePercentagePath",
        "ToleratedFailureCount", "ToleratedFailureCountPath", "ItemBatcher", "Label",
        "ItemReader", "ResultWriter", "Assign", "Output"},
}
JSONPATH_ONLY = {"InputPath", "OutputPath", "Parameters", "ResultPath", "ResultSelector",
                 "ItemsPath", "TimeoutSecondsPath", "HeartbeatSecondsPath", "SecondsPath",
                 "TimestampPath", "ErrorPath", "CausePath", "MaxConcurrencyPath",
                 "ToleratedFailurePercentagePath", "ToleratedFailureCountPath", "Iterator"}
JSONATA_ONLY = {"Arguments", "Output", "Items"}


def parse_json(text: str) -> tuple[Any, list[Diagnostic]]:
    if not isinstance(text, str) or not text.strip():
        return None, [Diagnostic("MISSING_DESCRIPTION", "Received a null or empty workflow input")]
    try:
        return inbound.loads(text), []
    except ValueError as error:
        return None, [Diagnostic("INVALID_JSON_DESCRIPTION", str(error))]
    except RecursionError:
        return None, [Diagnostic("INVALID_JSON_DESCRIPTION", "The JSON is nested too deeply")]


def _too_deep() -> list[Diagnostic]:
    return [Diagnostic("SCHEMA_VALIDATION_FAILED", "The definition is nested too deeply", "/")]


class Loader(Fields):
    """One pass over a definition: checks every field and compiles it."""

    top_language = JSONPATH
    express = False  # EXPRESS machines refuse .sync, .waitForTaskToken and activities

    def machine(self, data: Any, at: str, language: str, top: bool = False) -> Machine | None:
        if not isinstance(data, dict):
            self.problem("The value must be a JSON object", at or "/")
            return None
        allowed = TOP_FIELDS if top else BRANCH_FIELDS
        # AWS lists the missing fields first, States before StartAt, then the unknown ones.
        self.required(data, ["States", "StartAt"], at or "/")
        self.unknown_fields(data, allowed, at or "/")
        if top:
            language = self.query_language(data, at, None) or JSONPATH
            self.top_language = language
        start = data.get("StartAt")
        states_data = data.get("States")
        if start is not None and not isinstance(start, str):
            self.problem("The value for the field 'StartAt' must be a STRING", f"{at}/StartAt")
        states: dict[str, State] = {}
        if isinstance(states_data, dict):
            if not states_data:
                self.problem("The field 'States' must contain at least one state",
                             f"{at}/States")
            for name, body in states_data.items():
                state = self.state(name, body, f"{at}/States/{name}", language)
                if state is not None:
                    states[name] = state
        elif states_data is not None:
            self.problem("The value for the field 'States' must be a JSON object", f"{at}/States")
        machine = Machine(start if isinstance(start, str) else "", states, language,
                          data.get("Comment"))
        if top:
            timeout = data.get("TimeoutSeconds")
            if timeout is not None:
                machine.timeout_seconds = self.positive_int(
                    timeout, "TimeoutSeconds", f"{at}/TimeoutSeconds", 99999999
                )
            machine.version = data.get("Version")
        if isinstance(states_data, dict) and isinstance(start, str):
            self.graph(machine, states_data, at)
        return machine

    def query_language(self, data: dict[str, Any], at: str, outer: str | None) -> str | None:
        value = data.get("QueryLanguage")
        if value is None:
            return outer
        if value not in (JSONPATH, JSONATA):
            self.problem(
                "The value for the field 'QueryLanguage' must be one of [JSONPath, JSONata]",
                f"{at}/QueryLanguage",
            )
            return outer
        if outer == JSONATA and value == JSONPATH:
            self.problem(
                "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state "
                "machine", at,
            )
            return outer
        return str(value)

    # ----- states ---------------------------------------------------------------------------

    def state(self, name: str, body: Any, at: str, outer_language: str) -> State | None:
        if len(name) > 80:
            self.problem(f"Invalid State name: State '{name}' exceeds the 80-character limit "
                         "allowed by the service", at, code="INVALID_STATE_NAME")
        if not isinstance(body, dict):
            self.problem("The value must be a JSON object", at)
            return None
        kind = body.get("Type")
        if kind is None:
            self.required(body, ["Type"], at)
            return None
        if kind not in STATE_TYPES:
            self.problem(
                "The value for the field 'Type' must be one of [" + ", ".join(STATE_TYPES) + "]",
                f"{at}/Type",
            )
            return None
        language = self.query_language(body, at, outer_language) or JSONPATH
        self.unknown_fields(body, ALLOWED[kind], at)
        self.language_fields(body, language, at)
        state = self.build(kind, name, body, at, language)
        self.common(state, body, at)
        return state

    def language_fields(self, body: dict[str, Any], language: str, at: str) -> None:
        wrong = JSONATA_ONLY if language == JSONPATH else JSONPATH_ONLY
        other = JSONATA if language == JSONPATH else JSONPATH
        for key in body:
            if key in wrong:
                self.problem(
                    f"The QueryLanguage is set to '{language}', but field '{key}' is only "
                    f"supported for the '{other}' QueryLanguage", at,
                )

    def build(self, kind: str, name: str, body: dict[str, Any], at: str, lang: str) -> State:
        if kind == "Pass":
            state: State = PassState(name, kind, lang, result=body.get("Result"),
                                     has_result="Result" in body)
        elif kind == "Task":
            state = self.task(name, body, at, lang)
        elif kind == "Choice":
            state = self.choice(name, body, at, lang)
        elif kind == "Wait":
            state = self.wait(name, body, at, lang)
        elif kind == "Succeed":
            state = SucceedState(name, kind, lang)
        elif kind == "Fail":
            state = self.fail(name, body, at, lang)
        elif kind == "Parallel":
            state = ParallelState(name, kind, lang)
            branches = body.get("Branches")
            if branches is None:
                self.required(body, ["Branches"], at)
            elif not isinstance(branches, list) or not branches:
                self.problem("The field 'Branches' must be a non-empty array", f"{at}/Branches")
            else:
                for index, branch in enumerate(branches):
                    machine = self.machine(branch, f"{at}/Branches[{index}]", lang)
                    if machine is not None:
                        state.branches.append(machine)
        else:
            state = load_map(self, name, body, at, lang)
        return state

    def common(self, state: State, body: dict[str, Any], at: str) -> None:
        state.comment = body.get("Comment")
        kind = state.type
        if kind in ("Task", "Pass", "Wait", "Parallel", "Map"):
            has_next, has_end = "Next" in body, "End" in body
            if has_next and has_end:
                self.problem("Only one of the fields 'Next' and 'End' is allowed", at)
            elif not has_next and not has_end:
                self.problem("These fields are required: [Next or End]", at)
            if has_next:
                state.next = self.string(body["Next"], "Next", f"{at}/Next")
            if has_end:
                if body["End"] is not True:
                    self.problem("The value for the field 'End' must be true", f"{at}/End")
                state.end = True
        if state.jsonata:
            if "Output" in body:
                state.output = self.jsonata_value(body["Output"], "Output", f"{at}/Output")
            if "Arguments" in body:
                state.arguments = self.jsonata_value(
                    body["Arguments"], "Arguments", f"{at}/Arguments"
                )
        else:
            for key, attr in (("InputPath", "input_path"), ("OutputPath", "output_path")):
                if key in body:
                    setattr(state, attr, self.nullable_read_path(body[key], key, f"{at}/{key}"))
                    setattr(state, f"{attr}_set", True)
            if "ResultPath" in body:
                state.result_path = self.nullable_path(
                    body["ResultPath"], "ResultPath", f"{at}/ResultPath", reference=True
                )
                state.result_path_set = True
            if "Parameters" in body and not isinstance(state, MapState):
                state.parameters = self.template(body["Parameters"], f"{at}/Parameters",
                                                 refuses_null=True)
            if "ResultSelector" in body:
                state.result_selector = self.template(
                    body["ResultSelector"], f"{at}/ResultSelector"
                )
        if "Assign" in body:
            state.assign = self.assign(body["Assign"], f"{at}/Assign", state.jsonata)
        if "Retry" in body:
            state.retry = self.retriers(body["Retry"], f"{at}/Retry")
        if "Catch" in body:
            state.catch = self.catchers(body["Catch"], f"{at}/Catch", state.jsonata)

    def task(self, name: str, body: dict[str, Any], at: str, lang: str) -> TaskState:
        state = TaskState(name, "Task", lang)
        resource = body.get("Resource")
        if resource is None:
            self.required(body, ["Resource"], at)
        elif not isinstance(resource, str):
            self.problem("The value for the field 'Resource' must be a STRING", f"{at}/Resource")
        else:
            state.resource = resource
            why = check_resource(resource)
            if why is not None:
                self.problem(why, f"{at}/Resource")
            elif self.express and (problem := express_problem(resource)) is not None:
                self.problem(problem, f"{at}/Resource")
        state.timeout_seconds, state.timeout_seconds_path, state.timeout_expr = self.number_field(
            body, "TimeoutSeconds", at, lang, minimum=1
        )
        state.heartbeat_seconds, state.heartbeat_seconds_path, state.heartbeat_expr = (
            self.number_field(body, "HeartbeatSeconds", at, lang, minimum=1)
        )
        if (
            state.timeout_seconds is not None and state.heartbeat_seconds is not None
            and state.heartbeat_seconds >= state.timeout_seconds
        ):
            self.problem("HeartbeatSeconds must be smaller than TimeoutSeconds",
                         f"{at}/HeartbeatSeconds")
        state.credentials = body.get("Credentials")
        return state

    def choice(self, name: str, body: dict[str, Any], at: str, lang: str) -> ChoiceState:
        state = ChoiceState(name, "Choice", lang)
        choices = body.get("Choices")
        if choices is None:
            self.required(body, ["Choices"], at)
        elif not isinstance(choices, list) or not choices:
            self.problem("The field 'Choices' must be a non-empty array", f"{at}/Choices")
        else:
            for index, rule in enumerate(choices):
                where = f"{at}/Choices[{index}]"
                if not isinstance(rule, dict):
                    self.problem("A choice rule must be a JSON object", where)
                    continue
                target = rule.get("Next")
                if target is None:
                    self.required(rule, ["Next"], where)
                    continue
                compiled = ChoiceRule(self.string(target, "Next", f"{where}/Next") or "")
                if state.jsonata:
                    if "Condition" not in rule:
                        self.required(rule, ["Condition"], where)
                    else:
                        compiled.condition = self.jsonata_value(
                            rule["Condition"], "Condition", f"{where}/Condition"
                        )
                    if "Output" in rule:
                        compiled.output = self.jsonata_value(
                            rule["Output"], "Output", f"{where}/Output"
                        )
                else:
                    body_rule = {k: v for k, v in rule.items() if k not in ("Next", "Assign",
                                                                             "Comment")}
                    try:
                        compiled.predicate = compile_rule(body_rule)
                    except RuleError as error:
                        self.problem(str(error), f"{where}/{error.field}".rstrip("/"))
                if "Assign" in rule:
                    compiled.assign = self.assign(rule["Assign"], f"{where}/Assign",
                                                  state.jsonata)
                state.choices.append(compiled)
        if "Default" in body:
            state.default = self.string(body["Default"], "Default", f"{at}/Default")
        return state

    def wait(self, name: str, body: dict[str, Any], at: str, lang: str) -> WaitState:
        state = WaitState(name, "Wait", lang)
        given = [k for k in ("Seconds", "Timestamp", "SecondsPath", "TimestampPath") if k in body]
        if len(given) != 1:
            self.problem(
                "Exactly one of the fields 'Seconds', 'Timestamp', 'SecondsPath' or "
                "'TimestampPath' is required", at,
            )
            return state
        key = given[0]
        value = body[key]
        where = f"{at}/{key}"
        if state.jsonata and key in ("Seconds", "Timestamp") and self.is_jsonata(value):
            expr = self.jsonata_value(value, key, where)
            if key == "Seconds":
                state.seconds_expr = expr
            else:
                state.timestamp_expr = expr
        elif key == "Seconds":
            state.seconds = self.positive_int(value, key, where, 99999999, minimum=0)
        elif key == "Timestamp":
            state.timestamp = self.timestamp(value, where)
        elif key == "SecondsPath":
            state.seconds_path = self.read_path(value, key, where, definite=True)
        else:
            state.timestamp_path = self.read_path(value, key, where, definite=True)
        return state

    def fail(self, name: str, body: dict[str, Any], at: str, lang: str) -> FailState:
        state = FailState(name, "Fail", lang)
        for key in ("Error", "Cause"):
            if key in body and f"{key}Path" in body:
                self.problem(f"Only one of the fields '{key}' and '{key}Path' is allowed", at)
            if key in body:
                value = body[key]
                if state.jsonata and self.is_jsonata(value):
                    setattr(state, f"{key.lower()}_expr", self.jsonata_value(value, key,
                                                                             f"{at}/{key}"))
                else:
                    setattr(state, key.lower(), self.string(value, key, f"{at}/{key}"))
            path_key = f"{key}Path"
            if path_key in body:
                setattr(state, f"{key.lower()}_path",
                        self.value_expression(body[path_key], path_key, f"{at}/{path_key}"))
        return state

    # ----- error handling ------------------------------------------------------------------

    def error_equals(self, data: dict[str, Any], at: str) -> list[str]:
        names = data.get("ErrorEquals")
        if names is None:
            self.required(data, ["ErrorEquals"], at)
            return []
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            self.problem("The field 'ErrorEquals' must be a non-empty array of strings",
                         f"{at}/ErrorEquals")
            return []
        return list(names)

    def all_alone_and_last(self, names: list[str], last: bool, at: str) -> None:
        """States.ALL must be the only name of the last retrier or catcher."""
        if errors.ALL in names and (len(names) > 1 or not last):
            self.problem("States.ALL must appear alone and at end of list",
                         f"{at}/ErrorEquals[{names.index(errors.ALL)}]")

    def retriers(self, data: Any, at: str) -> list[Retrier]:
        if not isinstance(data, list):
            self.problem("The value for the field 'Retry' must be an array", at)
            return []
        out: list[Retrier] = []
        for index, item in enumerate(data):
            where = f"{at}[{index}]"
            if not isinstance(item, dict):
                self.problem("A retrier must be a JSON object", where)
                continue
            self.unknown_fields(item, {"ErrorEquals", "IntervalSeconds", "MaxAttempts",
                                       "BackoffRate", "MaxDelaySeconds", "JitterStrategy",
                                       "Comment"}, where)
            retrier = Retrier(self.error_equals(item, where))
            self.all_alone_and_last(retrier.error_equals, index == len(data) - 1, where)
            if "IntervalSeconds" in item:
                retrier.interval_seconds = self.positive_int(
                    item["IntervalSeconds"], "IntervalSeconds", f"{where}/IntervalSeconds",
                    99999999,
                ) or 1
            if "MaxAttempts" in item:
                retrier.max_attempts = self.positive_int(
                    item["MaxAttempts"], "MaxAttempts", f"{where}/MaxAttempts", 99999999,
                    minimum=0,
                ) or 0
            if "BackoffRate" in item:
                rate = item["BackoffRate"]
                if isinstance(rate, bool) or not isinstance(rate, (int, float)) or rate < 1.0:
                    self.problem("The value for the field 'BackoffRate' must be a NUMBER "
                                 "greater than or equal to 1.0", f"{where}/BackoffRate")
                else:
                    retrier.backoff_rate = float(rate)
            if "MaxDelaySeconds" in item:
                retrier.max_delay_seconds = self.positive_int(
                    item["MaxDelaySeconds"], "MaxDelaySeconds", f"{where}/MaxDelaySeconds",
                    31622401,
                )
            if "JitterStrategy" in item:
                if item["JitterStrategy"] not in ("FULL", "NONE"):
                    self.problem("The value for the field 'JitterStrategy' must be one of "
                                 "[FULL, NONE]", f"{where}/JitterStrategy")
                else:
                    retrier.jitter_strategy = item["JitterStrategy"]
            out.append(retrier)
        return out

    def catchers(self, data: Any, at: str, jsonata: bool) -> list[Catcher]:
        if not isinstance(data, list):
            self.problem("The value for the field 'Catch' must be an array", at)
            return []
        out: list[Catcher] = []
        for index, item in enumerate(data):
            where = f"{at}[{index}]"
            if not isinstance(item, dict):
                self.problem("A catcher must be a JSON object", where)
                continue
            allowed = {"ErrorEquals", "Next", "Comment", "Assign"}
            allowed |= {"Output"} if jsonata else {"ResultPath"}
            self.unknown_fields(item, allowed, where)
            names = self.error_equals(item, where)
            self.all_alone_and_last(names, index == len(data) - 1, where)
            if "Next" not in item:
                self.required(item, ["Next"], where)
            catcher = Catcher(names, self.string(item.get("Next"), "Next", f"{where}/Next") or "")
            if "ResultPath" in item:
                catcher.result_path = self.nullable_path(
                    item["ResultPath"], "ResultPath", f"{where}/ResultPath", reference=True
                )
                catcher.result_path_set = True
            if "Output" in item:
                catcher.output = self.jsonata_value(item["Output"], "Output", f"{where}/Output")
            if "Assign" in item:
                catcher.assign = self.assign(item["Assign"], f"{where}/Assign", jsonata)
            out.append(catcher)
        return out

    # ----- transitions ----------------------------------------------------------------------

    def graph(self, machine: Machine, raw: dict[str, Any], at: str) -> None:
        names = set(raw)
        if machine.start_at not in names:
            self.problem(f"Missing 'Next' target: {machine.start_at}", f"{at}/StartAt",
                         code="MISSING_TRANSITION_TARGET")
        edges: dict[str, list[str]] = {}
        for name, state in machine.states.items():
            targets: list[tuple[str, str]] = []
            if state.next is not None:
                targets.append((state.next, f"{at}/States/{name}/Next"))
            if isinstance(state, ChoiceState):
                for index, rule in enumerate(state.choices):
                    targets.append((rule.next, f"{at}/States/{name}/Choices[{index}]/Next"))
                if state.default is not None:
                    targets.append((state.default, f"{at}/States/{name}/Default"))
            for index, catcher in enumerate(state.catch):
                targets.append((catcher.next, f"{at}/States/{name}/Catch[{index}]/Next"))
            for target, where in targets:
                if target not in names:
                    self.problem(f"Missing 'Next' target: {target}", where,
                                 code="MISSING_TRANSITION_TARGET")
            edges[name] = [t for t, _ in targets if t in names]
        terminal = any(
            s.end or isinstance(s, (SucceedState, FailState)) for s in machine.states.values()
        )
        if not terminal and len(machine.states) == len(raw):
            self.problem("Workflow has no terminal state", None, code="MISSING_END_STATE")
            return
        # Step Functions calls a state unreachable when no transition names it (and it is not
        # StartAt), even when StartAt itself names no state.
        targeted = {target for targets in edges.values() for target in targets}
        for name in raw:
            if name != machine.start_at and name not in targeted:
                self.problem(f'State "{name}" is not reachable.', f"{at}/States/{name}",
                             code="MISSING_TRANSITION_TARGET")


def validate(definition: str, express: bool = False) -> list[Diagnostic]:
    """Every problem with a definition (empty when it is valid); ``express`` checks it for
    an EXPRESS state machine."""
    data, problems = parse_json(definition)
    if problems:
        return problems
    loader = Loader()
    loader.express = express
    try:
        loader.machine(data, "", JSONPATH, top=True)
    except RecursionError:
        return _too_deep()
    return loader.diagnostics


def load(definition: str) -> Machine:
    """The compiled state machine; raises InvalidDefinition."""
    data, problems = parse_json(definition)
    if problems:
        raise InvalidDefinition(problems)
    loader = Loader()
    try:
        machine = loader.machine(data, "", JSONPATH, top=True)
    except RecursionError:
        raise InvalidDefinition(_too_deep()) from None
    if loader.diagnostics or machine is None:
        raise InvalidDefinition(loader.diagnostics)
    return machine


def load_state(definition: str, language: str = JSONPATH) -> State:
    """One state on its own (TestState); its Next need not exist."""
    data, problems = parse_json(definition)
    if problems:
        raise InvalidDefinition(problems)
    loader = Loader()
    try:
        state = loader.state("TestState", data, "", language)
    except RecursionError:
        raise InvalidDefinition(_too_deep()) from None
    if loader.diagnostics or state is None:
        raise InvalidDefinition(loader.diagnostics)
    return state


__all__ = ["ALLOWED", "STATE_TYPES", "Loader", "load", "load_state", "validate"]
