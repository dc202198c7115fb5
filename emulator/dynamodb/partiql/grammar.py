"""The grammar of DynamoDB's PartiQL subset, for lark's LALR parser.

From the developer guide's PartiQL reference: ``SELECT`` with a projection list or ``*`` from
a table or ``"table"."index"``; ``INSERT INTO table VALUE {...}``; ``UPDATE table SET ...
REMOVE ... WHERE ... [RETURNING ...]``; ``DELETE FROM table WHERE ... [RETURNING ...]``.
Identifiers may be double-quoted, strings are single-quoted, ``?`` is a parameter, and
``<< >>`` encloses a set. Keywords are not case sensitive.
"""

GRAMMAR = r"""
?start: statement ";"?
?statement: select | insert | update | delete

select: _SELECT projection _FROM ident ("." ident)? (_WHERE condition)?
projection: STAR | path ("," path)*

insert: _INSERT _INTO ident _VALUE literal

update: _UPDATE ident update_clause+ (_WHERE condition)? returning?
update_clause: _SET assignment ("," assignment)*  -> set_clause
             | _REMOVE path ("," path)*  -> remove_clause
assignment: path EQ expression

delete: _DELETE _FROM ident (_WHERE condition)? returning?
returning: _RETURNING WHICH AGE STAR

?expression: term
           | expression PLUS term  -> arithmetic
           | expression MINUS term  -> arithmetic
?term: literal | path | call

?condition: disjunction
?disjunction: conjunction (_OR conjunction)*  -> or_
?conjunction: negation (_AND negation)*  -> and_
?negation: _NOT negation  -> not_
         | predicate
?predicate: expression (EQ | NE | BANG_NE | LE | GE | LT | GT) expression  -> compare
          | expression _BETWEEN expression _AND expression  -> between
          | expression _IN "[" expression ("," expression)* "]"  -> in_
          | expression _IN "(" expression ("," expression)* ")"  -> in_
          | expression _IS NEGATED? MISSING_OR_NULL  -> is_
          | call
          | "(" condition ")"
call: NAME "(" (expression ("," expression)*)? ")"

path: ident (_DOT ident | "[" INT "]" | "[" STRING "]")*
ident: NAME | QUOTED

?literal: STRING  -> string
        | NUMBER  -> number
        | TRUE  -> true
        | FALSE  -> false
        | NULL  -> null
        | PARAM  -> parameter
        | "[" (literal ("," literal)*)? "]"  -> list_
        | "{" (pair ("," pair)*)? "}"  -> tuple_
        | _BAG_OPEN (literal ("," literal)*)? _BAG_CLOSE  -> bag
pair: STRING ":" literal

_BAG_OPEN.3: "<<"
_BAG_CLOSE.3: ">>"
// One terminal for "=", shared by comparisons and SET, so LALR's merged states agree; each
// operator is its own string, so the longest one matches.
EQ: "="
NE: "<>"
BANG_NE: "!="
LE: "<="
GE: ">="
LT: "<"
GT: ">"
STAR: "*"
PLUS: "+"
MINUS: "-"
PARAM: "?"
_DOT: "."
_SELECT.2: /SELECT\b/i
_FROM.2: /FROM\b/i
_WHERE.2: /WHERE\b/i
_INSERT.2: /INSERT\b/i
_INTO.2: /INTO\b/i
_VALUE.2: /VALUE\b/i
_UPDATE.2: /UPDATE\b/i
_SET.2: /SET\b/i
_REMOVE.2: /REMOVE\b/i
_DELETE.2: /DELETE\b/i
_RETURNING.2: /RETURNING\b/i
WHICH.2: /ALL\b/i | /MODIFIED\b/i
AGE.2: /OLD\b/i | /NEW\b/i
_AND.2: /AND\b/i
_OR.2: /OR\b/i
_NOT.2: /NOT\b/i
NEGATED.2: /NOT\b/i
_BETWEEN.2: /BETWEEN\b/i
_IN.2: /IN\b/i
_IS.2: /IS\b/i
MISSING_OR_NULL.2: /MISSING\b/i | /NULL\b/i
TRUE.2: /TRUE\b/i
FALSE.2: /FALSE\b/i
NULL.2: /NULL\b/i
NAME: /[A-Za-z_][A-Za-z0-9_]*/
QUOTED: /"(?:[^"]|"")*"/
STRING: /'(?:[^']|'')*'/
NUMBER: /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/
INT: /[0-9]+/

%import common.WS
%ignore WS
"""

__all__ = ["GRAMMAR"]
