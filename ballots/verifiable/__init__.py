"""Verifiable ballots in Belenios 2.0's format: pure Python, no Django.

Belenios (https://www.belenios.org/) is a voting protocol in which every
ballot is encrypted on the voter's device, signed with a credential only
the voter holds, and carries zero-knowledge proofs that it is well formed,
so that anyone can check the ballot box and the count without learning any
vote. This package reads Belenios' messages (election, credentials,
trustees, the public board), makes ballots and checks them, byte for byte
as ``belenios-tool`` 2.0 does; the tests run the real tool both ways.

* ``group``: the two groups Belenios 2.0 names, and its hash into exponents;
* ``election``, ``credentials``, ``archive``: reading its formats;
* ``proofs``: the two kinds of zero-knowledge proof everything else uses;
* ``answers`` and ``ballot``: making and checking a ballot;
* ``rejection``: the named reasons a ballot is refused.

Nothing here touches a database: the callers (the ballot mode, the
trustees' pages) keep the texts and pass them in.
"""
