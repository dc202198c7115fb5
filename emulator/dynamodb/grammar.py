"""The grammars of DynamoDB's expressions, for lark's LALR parser.

From the developer guide's syntax summaries: conditions (``operand comparator operand``,
``BETWEEN``, ``IN``, functions, ``AND``/``OR``/``NOT``, parentheses; ``NOT`` binds tighter
than ``AND``, and ``AND`` than ``OR``), update expressions (``SET``, ``REMOVE``, ``ADD``,
``DELETE`` clauses of comma-separated actions; a ``SET`` value may be wrapped in parentheses,
``SET n = (if_not_exists(n, :zero) - :one)``, as DynamoDB accepts) and projections
(comma-separated paths).
Keywords are not case sensitive; function names are.
"""

_COMMON = r"""
path: _path_start (_DOT name | index)*
_path_start: name
name: NAME | NAME_REF
index: "[" INT "]"
value: VALUE_REF
call: NAME "(" [operand ("," operand)*] ")"
?operand: path | value | call

_DOT: "."
NAME: /[A-Za-z_][A-Za-z0-9_]*/
NAME_REF: /#[A-Za-z0-9_]+/
VALUE_REF: /:[A-Za-z0-9_]+/
INT: /[0-9]+/

%import common.WS
%ignore WS
"""

CONDITION = r"""
?start: condition
?condition: disjunction
?disjunction: conjunction (_OR conjunction)*  -> or_
?conjunction: negation (_AND negation)*  -> and_
?negation: _NOT negation  -> not_
         | predicate
?predicate: operand COMPARATOR operand  -> compare
          | operand _BETWEEN operand _AND operand  -> between
          | operand _IN "(" operand ("," operand)* ")"  -> in_
          | call
          | "(" condition ")"

COMPARATOR: "<>" | "<=" | ">=" | "=" | "<" | ">"
_AND.2: /AND\b/i
_OR.2: /OR\b/i
_NOT.2: /NOT\b/i
_BETWEEN.2: /BETWEEN\b/i
_IN.2: /IN\b/i
""" + _COMMON

UPDATE = r"""
start: clause+
?clause: _SET set_action ("," set_action)*  -> set_clause
       | _REMOVE path ("," path)*  -> remove_clause
       | _ADD pair ("," pair)*  -> add_clause
       | _DELETE pair ("," pair)*  -> delete_clause
set_action: path "=" set_value
?set_value: operand
          | operand PLUS operand  -> arithmetic
          | operand MINUS operand  -> arithmetic
          | "(" set_value ")"
pair: path operand

PLUS: "+"
MINUS: "-"
_SET.2: /SET\b/i
_REMOVE.2: /REMOVE\b/i
_ADD.2: /ADD\b/i
_DELETE.2: /DELETE\b/i
""" + _COMMON

PROJECTION = r"""
start: path ("," path)*
""" + _COMMON

__all__ = ["CONDITION", "PROJECTION", "UPDATE"]
