"""The grammar of X-Ray filter expressions, for lark's LALR parser.

Precedence, loosest first: ``OR``, ``AND``, then ``!``. Keywords and functions are not case
sensitive; strings are double-quoted.
"""

GRAMMAR = r"""
?start: or_expr

?or_expr: and_expr (OR and_expr)*
?and_expr: unary (AND unary)*
?unary: NOT unary -> negate
      | primary

?primary: "(" or_expr ")"
        | FIELD OPERATOR literal   -> comparison
        | FIELD block              -> complex
        | FIELD                    -> bare
        | SERVICE "(" [target] ")" [block] -> service
        | EDGE "(" target "," target ")" [block] -> edge
        | id_call                  -> id_only

target: STRING | id_call
id_call: ID "(" id_arg ("," id_arg)* ")"
id_arg: FIELD ":" STRING
block: "{" [or_expr] "}"
literal: STRING | NUMBER | TRUE | FALSE

AND.3: /and\b/i
OR.3: /or\b/i
TRUE.3: /true\b/i
FALSE.3: /false\b/i
SERVICE.3: /service(?=\s*\()/i
EDGE.3: /edge(?=\s*\()/i
ID.3: /id(?=\s*\()/i
OPERATOR.3: /contains\b/i | /beginswith\b/i | /endswith\b/i | "!=" | "<=" | ">=" | "=" | "<" | ">"
NOT.2: "!"
FIELD: /annotation\[[^\]]*\]/i | /[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*/
NUMBER: /-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/
STRING: /"(?:[^"\\]|\\.)*"/

%import common.WS
%ignore WS
"""

__all__ = ["GRAMMAR"]
