"""What Task states call: one module per integration (lambda_, sqs, sns, events, states, http,
sdk), the table of what exists (catalog), the dispatch between them, task tokens and activity
queues (callbacks) and mocked answers (mocks). Services are reached only through the seams in
base.Services, which the Step Functions provider fills in."""
