"""The CloudFormation engine: the template language and the deployment of stacks.

It knows no HTTP and no provider: resources are created, updated and deleted through a
``ServiceCall`` (the registry's in-process operation call), and everything a template reads
from outside (SSM parameters, secrets, exports) comes through ``Lookups``; see ports.py.
"""
