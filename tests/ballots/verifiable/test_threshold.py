"""Threshold trustees (Belenios "Pedersen"), against belenios-tool both ways.

The key ceremony is run with the tool for some trustees and our code for
the others (``threshold_ceremony``): each side's messages pass the other's
checks, the tool's routing (vinputs) is ours byte for byte and its
threshold parameters are ours. Then a 2-of-3 election decrypted by only
two trustees (one ours, one the tool's) passes ``election verify``, and the
tool's ``compute-result`` gives our result. Every refusal has its name.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ballots.verifiable import pki
from ballots.verifiable import setup_texts as st
from ballots.verifiable import threshold as th
from ballots.verifiable.archive import owned
from ballots.verifiable.ballot import create_ballot
from ballots.verifiable.board_writer import Record, write_board
from ballots.verifiable.credentials import public_credential
from ballots.verifiable.decryption import partial_decryption, read_encrypted_tally
from ballots.verifiable.election import Election, read_election
from ballots.verifiable.errors import ThresholdError
from ballots.verifiable.group import BELENIOS_2048, RFC_3526_2048, Group
from ballots.verifiable.rejection import ThresholdRejection as R
from ballots.verifiable.shuffle import merge_nh_ciphertexts, nh_ciphertexts, read_shuffle, shuffle
from ballots.verifiable.tally import decrypt_with_factors, encrypted_tally, result_text, tally_text
from ballots.verifiable.trustees import election_public_key, read_trustee_kinds
from tests.ballots.verifiable.belenios_tool import run, run_ok
from tests.ballots.verifiable.threshold_ceremony import Ceremony

TIME = 1_700_000_000
VOTES = [[[1, 0, 0], [0, 1]], [[0, 1, 0], [1, 0]], [[1, 0, 0], [1, 0]], [[0, 0, 1], [1, 0]], [[1, 0, 0], [0, 1]]]
QUESTIONS = [
    st.QuestionSpec("Chair", ("Ana", "Ben", "Cleo"), ranked=False),
    st.QuestionSpec("Motion", ("For", "Against"), ranked=False),
]


@pytest.fixture(scope="module")
def ceremony(tmp_path_factory: pytest.TempPathFactory) -> tuple[Ceremony, str]:
    """Trustees 1 and 3 by belenios-tool, trustee 2 by our code: 2 of 3 decrypt."""
    run_ceremony = Ceremony(tmp_path_factory.mktemp("threshold") / "c", BELENIOS_2048, ("tool", "ours", "tool"), 2)
    return run_ceremony, run_ceremony.run()


def _election(group: Group, parameters: str, questions: list[st.QuestionSpec], votes: list[list[list[int]]]):
    trustees = st.pedersen_trustees_text(parameters)
    uuid = st.new_uuid()
    text = st.election_text(
        uuid=uuid, name="T", description="d", group_name=group.name, trustees=trustees, questions=questions
    )
    election = read_election(text)
    creds = [st.new_credential() for _ in votes]
    public = st.public_credentials_text([public_credential(group, uuid, c) for c in creds])
    ballots = [create_ballot(election, c, v) for c, v in zip(creds, votes, strict=True)]
    return uuid, text, trustees, public, election, ballots


def _tool_decryption(directory: Path, cer: Ceremony, j: int) -> str:
    """Trustee ``j``'s partial decryption by ``election decrypt-threshold`` (its payload, without the owner)."""
    dkey = directory / f"trustee{j}.dkey"
    dkey.write_text(cer.sealed_key(j) + "\n")
    args = ["--key", str(cer.key_file(j)), "--decryption-key", str(dkey), "--trustee-id", str(j)]
    # It prints the partial decryption, then the owned wrapper naming it by hash.
    return run_ok(["election", "decrypt-threshold", "--dir", ".", *args], directory).splitlines()[0]


def test_threshold_parameters_check_and_give_the_election_key(ceremony):
    cer, parameters = ceremony
    (pedersen,) = read_trustee_kinds(st.pedersen_trustees_text(parameters), BELENIOS_2048)
    assert isinstance(pedersen, th.Pedersen)
    assert pedersen.threshold == 2 and len(pedersen.verification_keys) == 3
    certs = th.read_certificates(BELENIOS_2048, cer.certs_text)
    # Any two trustees' keys interpolate to the election key; one alone does not.
    shares = {j: th.decryption_key(BELENIOS_2048, cer.seeds[j], certs, cer.sealed_key(j)) for j in (1, 2, 3)}
    key = election_public_key(BELENIOS_2048, (pedersen,))
    for pair in ((1, 2), (1, 3), (2, 3)):
        secret = sum(shares[j] * th.lagrange(BELENIOS_2048, pair, j) for j in pair) % BELENIOS_2048.q
        assert pow(BELENIOS_2048.g, secret, BELENIOS_2048.p) == key
    assert all(pow(BELENIOS_2048.g, s, BELENIOS_2048.p) != key for s in shares.values())


def test_two_of_three_decrypt_and_belenios_verifies(ceremony, tmp_path):
    cer, parameters = ceremony
    group = BELENIOS_2048
    uuid, text, trustees, public, election, ballots = _election(group, parameters, QUESTIONS, VOTES)
    tally = encrypted_tally(election, ballots)
    record = Record(text, trustees, public, ballots, tally_text(tally), len(ballots), shuffles_ended=True)
    (tmp_path / f"{uuid}.bel").write_bytes(write_board(record, TIME))

    # Trustee 2 (ours) and trustee 3 (the tool's) decrypt; trustee 1 is absent.
    certs = th.read_certificates(group, cer.certs_text)
    ours = th.threshold_partial_decryption(election, cer.seeds[2], certs, cer.sealed_key(2), tally)
    theirs = _tool_decryption(tmp_path, cer, 3)
    (pedersen,) = read_trustee_kinds(trustees, group)
    assert isinstance(pedersen, th.Pedersen)
    combined = th.combined_factors(election, pedersen, tally, {2: ours, 3: theirs})
    result = decrypt_with_factors(election, tally, combined, len(ballots))
    assert result == [[3, 1, 1], [3, 2]]

    # belenios-tool's own result from the same two decryptions is ours.
    for owner, pd in ((2, ours), (3, theirs)):
        wrapper = owned(owner, pd)
        run_ok(["archive", "add-event", "--type=PartialDecryption"], tmp_path, f"{pd}\n{wrapper}\n")
    tool_result = run_ok(["election", "compute-result", "--dir", "."], tmp_path).strip()
    assert json.loads(tool_result)["result"] == result

    board = tmp_path / "board"
    board.mkdir()
    full = Record(
        text,
        trustees,
        public,
        ballots,
        tally_text(tally),
        len(ballots),
        shuffles_ended=True,
        partial_decryptions=[(2, ours), (3, theirs)],
        result=result_text(result),
    )
    (board / f"{uuid}.bel").write_bytes(write_board(full, TIME))
    done = run(["election", "verify", "--dir", "."], board)
    assert done.returncode == 0, done.stderr
    assert "all checks passed" in done.stderr


def test_one_trustee_of_a_two_threshold_is_not_enough(ceremony, tmp_path):
    cer, parameters = ceremony
    group = BELENIOS_2048
    uuid, text, trustees, public, election, ballots = _election(group, parameters, QUESTIONS, VOTES)
    tally = encrypted_tally(election, ballots)
    certs = th.read_certificates(group, cer.certs_text)
    ours = th.threshold_partial_decryption(election, cer.seeds[2], certs, cer.sealed_key(2), tally)
    (pedersen,) = read_trustee_kinds(trustees, group)
    assert isinstance(pedersen, th.Pedersen)
    with pytest.raises(ThresholdError) as refused:
        th.combined_factors(election, pedersen, tally, {2: ours})
    assert refused.value.reason == R.NOT_ENOUGH_DECRYPTIONS
    # The tool refuses the same board.
    record = Record(
        text,
        trustees,
        public,
        ballots,
        tally_text(tally),
        len(ballots),
        shuffles_ended=True,
        partial_decryptions=[(2, ours)],
    )
    (tmp_path / f"{uuid}.bel").write_bytes(write_board(record, TIME))
    assert run(["election", "compute-result", "--dir", "."], tmp_path).returncode != 0
    # A factor proven against another trustee's key is refused by name.
    with pytest.raises(ThresholdError) as wrong:
        th.combined_factors(election, pedersen, tally, {1: ours, 2: ours})
    assert wrong.value.reason == R.BAD_PARTIAL_DECRYPTION


def test_ranked_question_shuffled_then_decrypted_by_a_threshold(tmp_path):
    """All ours, RFC 3526 group: shuffles, then trustees 1 and 3 of 3; belenios-tool verifies the board."""
    group = RFC_3526_2048
    cer = Ceremony(tmp_path / "c", group, ("ours", "ours", "ours"), 2)
    parameters = cer.run()
    questions = [st.QuestionSpec("Rank", ("Ana", "Ben", "Cleo"), ranked=True), QUESTIONS[1]]
    votes = [[[1, 2, 3], [1, 0]], [[2, 1, 0], [0, 1]], [[3, 1, 2], [1, 0]]]
    uuid, text, trustees, public, election, ballots = _election(group, parameters, questions, votes)
    tally = encrypted_tally(election, ballots)
    first = shuffle(election, nh_ciphertexts(election, tally))
    merged = merge_nh_ciphertexts(election, tally, read_shuffle(first).ciphertexts)
    certs = th.read_certificates(group, cer.certs_text)
    pds = {j: th.threshold_partial_decryption(election, cer.seeds[j], certs, cer.sealed_key(j), merged) for j in (1, 3)}
    (pedersen,) = read_trustee_kinds(trustees, group)
    assert isinstance(pedersen, th.Pedersen)
    result = decrypt_with_factors(election, merged, th.combined_factors(election, pedersen, merged, pds), len(ballots))
    assert sorted(result[0]) == sorted(v[0] for v in votes)
    assert result[1] == [2, 1]
    full = Record(
        text,
        trustees,
        public,
        ballots,
        tally_text(tally),
        len(ballots),
        shuffles=[(0, first)],
        shuffles_ended=True,
        partial_decryptions=sorted(pds.items()),
        result=result_text(result),
    )
    (tmp_path / f"{uuid}.bel").write_bytes(write_board(full, TIME))
    done = run(["election", "verify", "--dir", "."], tmp_path)
    assert done.returncode == 0, done.stderr


# --- Named refusals -------------------------------------------------------------------------------

G = BELENIOS_2048


def _refused(reason: R, call, *args):
    with pytest.raises(ThresholdError) as refused:
        call(*args)
    assert refused.value.reason == reason, refused.value.detail


@pytest.fixture(scope="module")
def ours() -> tuple[list[str], list[str], list[th.Certificate]]:
    seeds = [pki.new_seed() for _ in range(3)]
    texts = [th.certificate(G, s) for s in seeds]
    return seeds, texts, list(th.read_certificates(G, texts))


@pytest.mark.parametrize(("t", "n"), [(0, 3), (4, 3), (-1, 3)])
def test_threshold_outside_one_to_n_is_refused(t, n):
    _refused(R.INVALID_THRESHOLD, th.check_threshold, t, n)


def test_certificate_refusals(ours):
    seeds, texts, _ = ours
    forged = json.loads(texts[0])
    forged["message"] = json.loads(texts[1])["message"]  # trustee 2's keys, trustee 1's signature
    _refused(R.BAD_CERTIFICATE, th.read_certificate, G, json.dumps(forged))
    _refused(R.MALFORMED, th.read_certificate, G, "not json")
    _refused(R.DUPLICATE_CERTIFICATE, th.read_certificates, G, [texts[0], texts[0]])
    certs = th.read_certificates(G, texts[1:])
    _refused(R.NOT_MY_CERTIFICATE, th.polynomial, G, seeds[0], certs, 2)


def test_polynomial_refusals(ours):
    seeds, _, certs = ours
    text = th.polynomial(G, seeds[0], certs, 2)
    assert th.read_polynomial(G, certs, 1, 2, text).commitments
    _refused(R.BAD_COEFEXPS, th.read_polynomial, G, certs, 2, 2, text)  # posted as trustee 2's
    _refused(R.WRONG_DEGREE, th.read_polynomial, G, certs, 1, 3, text)
    fewer = json.loads(text)
    fewer["secrets"] = fewer["secrets"][:2]
    _refused(R.WRONG_SHARE_COUNT, th.read_polynomial, G, certs, 1, 2, json.dumps(fewer))
    bumped = json.loads(text)
    bumped["coefexps"]["message"] = bumped["coefexps"]["message"].replace('"coefexps":["', '"coefexps":["1')
    _refused(R.BAD_COEFEXPS, th.read_polynomial, G, certs, 1, 2, json.dumps(bumped))


def _round(seeds, certs, threshold=2):
    return [
        th.read_polynomial(G, certs, j, threshold, th.polynomial(G, s, certs, threshold))
        for j, s in enumerate(seeds, 1)
    ]


def test_a_share_off_its_polynomial_is_refused_naming_its_sender(ours):
    seeds, _, certs = ours
    polys = _round(seeds, certs)
    # Trustee 1 sends trustee 2 a share that is not f_1(2), properly signed and encrypted.
    signing = pki.TrusteeSecrets.from_seed(seeds[0]).signing
    bad = pki.channel_send(G, signing, certs[1].encryption, json.dumps({"secret": "12345"}))
    shares = list(polys[0].shares)
    shares[1] = bad
    polys[0] = th.Polynomial(polys[0].own, tuple(shares), polys[0].coefexps, polys[0].commitments)
    with pytest.raises(ThresholdError) as refused:
        th.voutput(G, seeds[1], certs, th.vinputs(polys)[1])
    assert refused.value.reason == R.BAD_SHARE and "trustee 1" in refused.value.detail
    # A share meant for trustee 3, routed to trustee 2: not for this key.
    shares[1] = polys[0].shares[2]
    polys[0] = th.Polynomial(polys[0].own, tuple(shares), polys[0].coefexps, polys[0].commitments)
    _refused(R.BAD_CHANNEL, th.voutput, G, seeds[1], certs, th.vinputs(polys)[1])


def test_voutput_refusals(ours):
    seeds, _, certs = ours
    polys = _round(seeds, certs)
    good = th.voutput(G, seeds[0], certs, th.vinputs(polys)[0])
    assert th.read_voutput(G, polys, 1, good).public_key
    _refused(R.WRONG_VERIFICATION_KEY, th.read_voutput, G, polys, 2, good)
    data = json.loads(good)
    data["public_key"]["pok"]["response"] = str((int(data["public_key"]["pok"]["response"]) + 1) % G.q)
    _refused(R.BAD_PROOF, th.read_voutput, G, polys, 1, json.dumps(data))


def test_parameters_with_a_wrong_threshold_or_key_are_refused(ceremony):
    _, parameters = ceremony
    data = json.loads(parameters)
    data["threshold"] = 3
    _refused(R.WRONG_DEGREE, th.read_pedersen, G, data)
    data = json.loads(parameters)
    data["verification_keys"][0], data["verification_keys"][1] = (
        data["verification_keys"][1],
        data["verification_keys"][0],
    )
    _refused(R.WRONG_VERIFICATION_KEY, th.read_pedersen, G, data)


def test_a_single_trustee_partial_decryption_still_works_beside(ceremony):
    """The old n-of-n path: a Single key's own partial decryption is untouched by the threshold code."""
    x = G.random_exponent()
    election: Election = read_election(
        st.election_text(
            uuid=st.new_uuid(),
            name="n",
            description="",
            group_name=G.name,
            trustees=st.trustees_text([json.dumps(_single(x))]),
            questions=QUESTIONS[:1],
        )
    )
    assert election.public_key == pow(G.g, x, G.p)
    tally = read_encrypted_tally(tally_text(encrypted_tally(election, [])))
    assert partial_decryption(election, x, tally)


def _single(x: int) -> dict[str, object]:
    from ballots.verifiable.proofs import prove_exponent

    public = pow(G.g, x, G.p)
    return {"pok": prove_exponent(G, [G.g], x, f"pok|{G.name}|{public}|").to_json(), "public_key": str(public)}
