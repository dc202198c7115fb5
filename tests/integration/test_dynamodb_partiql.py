"""PartiQL through boto3: ExecuteStatement (SELECT, INSERT, UPDATE, DELETE, on tables and
indexes, with parameters and pages), BatchExecuteStatement and ExecuteTransaction.

Statements and outcomes per the developer guide's PartiQL reference
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.html,
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.delete.html).
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from dynamodb_support import key_schema, table

from emulator.testing.handle import EmulatorHandle


def test_insert_select_update_delete(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator, "music", hash_key=("Artist", "S"), range_key=("SongTitle", "S"))
    ddb.execute_statement(Statement=f"INSERT INTO \"{name}\" VALUE {{'Artist': 'Acme Band', "
                                    f"'SongTitle': 'PartiQL Rocks', 'Year': 2020, "
                                    f"'Tags': <<'rock', 'sql'>>, 'Info': {{'Label': 'Indie'}}}}")
    with pytest.raises(ddb.exceptions.DuplicateItemException) as duplicate:
        ddb.execute_statement(Statement=f"INSERT INTO \"{name}\" VALUE {{'Artist': 'Acme Band', "
                                        f"'SongTitle': 'PartiQL Rocks'}}")
    assert duplicate.value.response["Error"]["Message"] == "Duplicate primary key exists in table"
    found = ddb.execute_statement(
        Statement=f'SELECT "Year", Info.Label FROM "{name}" WHERE Artist = ? AND SongTitle = ?',
        Parameters=[{"S": "Acme Band"}, {"S": "PartiQL Rocks"}])["Items"]
    assert found == [{"Year": {"N": "2020"}, "Info": {"M": {"Label": {"S": "Indie"}}}}]
    updated = ddb.execute_statement(
        Statement=f"UPDATE \"{name}\" SET \"Year\" = \"Year\" + 1 SET Tags = set_add(Tags, "
                  f"<<'live'>>) REMOVE Info WHERE Artist = 'Acme Band' AND SongTitle = "
                  f"'PartiQL Rocks' RETURNING ALL NEW *")["Items"]
    assert updated[0]["Year"] == {"N": "2021"} and "Info" not in updated[0]
    assert sorted(updated[0]["Tags"]["SS"]) == ["live", "rock", "sql"]
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.execute_statement(Statement=f"DELETE FROM \"{name}\" WHERE Artist = 'Acme Band' AND "
                                        f"SongTitle = 'PartiQL Rocks' AND \"Year\" = 1999")
    old = ddb.execute_statement(Statement=f"DELETE FROM \"{name}\" WHERE Artist = 'Acme Band' "
                                          f"AND SongTitle = 'PartiQL Rocks' RETURNING ALL OLD *")
    assert old["Items"][0]["Year"] == {"N": "2021"}
    # Deleting what is not there succeeds with nothing deleted, as the guide says.
    assert ddb.execute_statement(Statement=f"DELETE FROM \"{name}\" WHERE Artist = 'Acme Band' "
                                           f"AND SongTitle = 'PartiQL Rocks'")["Items"] == []
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.execute_statement(Statement=f"UPDATE \"{name}\" SET a = 1 WHERE Artist = 'x' AND "
                                        f"SongTitle = 'y'")


def test_select_queries_scans_and_pages(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator, GlobalSecondaryIndexes=[{
        "IndexName": "by-color", "KeySchema": key_schema("color"),
        "Projection": {"ProjectionType": "ALL"}}])
    for n in range(12):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"p{n % 2}"}, "sk": {"S": f"{n:02d}"},
                                           "color": {"S": "red" if n % 3 == 0 else "blue"}})
    partition = ddb.execute_statement(
        Statement=f"SELECT sk FROM \"{name}\" WHERE pk = 'p0' AND begins_with(sk, '0')")
    assert [i["sk"]["S"] for i in partition["Items"]] == ["00", "02", "04", "06", "08"]
    reds = ddb.execute_statement(Statement=f'SELECT * FROM "{name}"."by-color" WHERE color = ?',
                                 Parameters=[{"S": "red"}])["Items"]
    assert sorted(i["sk"]["S"] for i in reds) == ["00", "03", "06", "09"]
    scanned = ddb.execute_statement(
        Statement=f"SELECT * FROM \"{name}\" WHERE color IN ['red'] OR sk BETWEEN '10' AND '11'")
    assert len(scanned["Items"]) == 6
    seen: list[str] = []
    token = None
    while True:
        page = ddb.execute_statement(Statement=f'SELECT sk FROM "{name}"', Limit=5,
                                     **({"NextToken": token} if token else {}))
        seen += [i["sk"]["S"] for i in page["Items"]]
        token = page.get("NextToken")
        if token is None:
            break
    assert sorted(seen) == [f"{n:02d}" for n in range(12)]
    missing = ddb.execute_statement(Statement=f"SELECT * FROM \"{name}\" WHERE missing_attr IS "
                                              f"MISSING AND color <> 'red'")["Items"]
    assert len(missing) == 8


def test_statement_errors(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator)

    def error(statement: str, **kwargs: object) -> dict[str, str]:
        with pytest.raises(ClientError) as raised:
            ddb.execute_statement(Statement=statement, **kwargs)
        return dict(raised.value.response["Error"])

    assert error("SELEC * FROM t")["Message"].startswith(
        "Statement wasn't well formed, can't be processed")
    assert error(f"UPDATE \"{name}\" SET a = 1 WHERE pk = 'x'") == {
        "Code": "ValidationException",
        "Message": "Where clause does not contain a mandatory equality on all key attributes"}
    assert error(f"SELECT * FROM \"{name}\" WHERE pk = ?") == {
        "Code": "ValidationException",
        "Message": "Number of parameters in request and statement don't match."}
    assert error("SELECT * FROM \"no-such-table\"")["Code"] == "ResourceNotFoundException"


def test_batch_execute_statement(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator)
    written = ddb.batch_execute_statement(Statements=[
        {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'a', 'sk': 'x'}}"},
        {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': ?, 'sk': 'x'}}",
         "Parameters": [{"S": "b"}]},
        {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'a', 'sk': 'x'}}"},
    ])["Responses"]
    assert "Error" not in written[0] and "Error" not in written[1]
    assert written[2]["Error"]["Code"] == "DuplicateItem"
    read = ddb.batch_execute_statement(Statements=[
        {"Statement": f"SELECT * FROM \"{name}\" WHERE pk = 'a' AND sk = 'x'"},
        {"Statement": f"SELECT * FROM \"{name}\" WHERE pk = 'zzz' AND sk = 'x'"},
    ])["Responses"]
    assert read[0]["Item"] == {"pk": {"S": "a"}, "sk": {"S": "x"}}
    assert "Item" not in read[1]


def test_execute_transaction_all_or_nothing(emulator: EmulatorHandle) -> None:
    ddb = emulator.client("dynamodb")
    name = table(emulator)
    ddb.execute_transaction(TransactStatements=[
        {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'one', 'sk': 'x', 'n': 1}}"},
        {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'two', 'sk': 'x', 'n': 2}}"}])
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as raised:
        ddb.execute_transaction(TransactStatements=[
            {"Statement": f"UPDATE \"{name}\" SET n = 10 WHERE pk = 'one' AND sk = 'x'"},
            {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'two', 'sk': 'x'}}"}])
    assert [r["Code"] for r in raised.value.response["CancellationReasons"]] == [
        "None", "DuplicateItem"]
    read = ddb.execute_transaction(TransactStatements=[
        {"Statement": f"SELECT n FROM \"{name}\" WHERE pk = 'one' AND sk = 'x'"}])["Responses"]
    assert read[0]["Item"]["n"] == {"N": "1"}
