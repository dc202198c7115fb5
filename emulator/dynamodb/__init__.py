"""The DynamoDB engine: attribute values, the expression languages, PartiQL and item tables.

Nothing here knows HTTP or the wire layer. Items are attribute-value maps as the DynamoDB
API carries them (``{"pk": {"S": "a"}, "n": {"N": "1.5"}}``, binary values as bytes);
errors are :class:`emulator.dynamodb.errors.DynamoDBError` with AWS's codes and messages.
"""
