#!/usr/bin/env python3
"""Writes the torch fixtures of tests/unit/export_torch.c: what PyTorch's
torch.distributed.pipelining writes for ScheduleInterleaved1F1B with 4 ranks, 2 stages
per rank and 8 microbatches, re-derived here from the behaviour of its schedules.py
(_get_warmup_ops, _get_1f1b_rank_ops, _add_unshard_reshard, _add_reduce_grad,
_add_send_recv) so that the tests need no PyTorch:

  interleaved_4x2_8mb.compute.csv  PipelineScheduleMulti._dump_csv: pipeline_order, idle
                                   steps as empty cells
  interleaved_4x2_8mb.comms.csv    _PipelineScheduleRuntime._dump_csv (its default,
                                   compute_comms): UNSHARD/RESHARD, REDUCE_GRAD, SEND/RECV

Run from this folder: python3 make_fixtures.py
"""
import csv

S, LOCAL, M = 4, 2, 8


def action(stage, kind, mb=None):
    return (stage, kind, mb)


def text(a):
    return "" if a is None else f"{a[0]}{a[1]}{'' if a[2] is None else a[2]}"


def rank_ops(rank):
    rounds = max(1, M // S)
    per_round = M // rounds
    warmup = min((LOCAL - 1) * per_round + 2 * (S - 1 - rank), M * LOCAL)
    fwd_bwd = LOCAL * M - warmup
    cooldown = LOCAL * M - fwd_bwd
    post_warmup = (LOCAL * S + 2 * (S - 1 - rank)) - (warmup + rank)

    def fwd_stage(step):
        return ((step // per_round) % LOCAL) * S + rank

    def bwd_stage(step):
        return (LOCAL - 1 - ((step - warmup) // per_round) % LOCAL) * S + rank

    fwd_mb, bwd_mb = {}, {}
    ops = [None] * rank
    for op in range(warmup + fwd_bwd + cooldown):
        if op < warmup:
            st = fwd_stage(op)
            ops.append(action(st, "F", fwd_mb.get(st, 0)))
            fwd_mb[st] = fwd_mb.get(st, 0) + 1
            if op == warmup - 1:
                ops.extend([None] * post_warmup)
        elif op < warmup + fwd_bwd:
            st = fwd_stage(op)
            ops.append(action(st, "F", fwd_mb.get(st, 0)))
            fwd_mb[st] = fwd_mb.get(st, 0) + 1
            st = bwd_stage(op)
            ops.append(action(st, "B", bwd_mb.get(st, 0)))
            bwd_mb[st] = bwd_mb.get(st, 0) + 1
        else:
            ops.append(None)
            st = bwd_stage(op)
            ops.append(action(st, "B", bwd_mb.get(st, 0)))
            bwd_mb[st] = bwd_mb.get(st, 0) + 1
    return ops


def unshard_reshard(actions, max_active=3):
    out, active = [], set()
    for i, a in enumerate(actions):
        if a is None:
            continue
        upcoming = []
        for b in actions[i:]:
            if b is not None and b[0] not in upcoming:
                upcoming.append(b[0])
                if len(upcoming) == max_active:
                    break
        for st in sorted(s for s in active if s not in upcoming):
            active.remove(st)
            out.append(action(st, "RESHARD"))
        for st in upcoming:
            if st not in active:
                active.add(st)
                out.append(action(st, "UNSHARD"))
        out.append(a)
    for st in sorted(active):
        out.append(action(st, "RESHARD"))
    return out


def reduce_grad(actions):
    out, count = [], {}
    for a in actions:
        if a is None:
            continue
        out.append(a)
        if a[1] in ("B", "W"):
            count[a[0]] = count.get(a[0], 0) + 1
            if count[a[0]] == M:
                out.append(action(a[0], "REDUCE_GRAD"))
    return out


def send_recv(per_rank, stage_rank, n_stages):
    def has_comms(a):
        if a[1] == "F":
            return a[0] != n_stages - 1 and stage_rank[a[0] + 1] != stage_rank[a[0]]
        if a[1] in ("I", "B"):
            return a[0] != 0 and stage_rank[a[0] - 1] != stage_rank[a[0]]
        return False

    def ready(a, seen):
        if a[1] == "F" and a[0] != 0:
            return (a[0], "RECV_F", a[2]) in seen or (a[0] - 1, "F", a[2]) in seen
        if a[1] in ("I", "B") and a[0] != n_stages - 1:
            return ((a[0], "RECV_B", a[2]) in seen or (a[0] + 1, "I", a[2]) in seen
                    or (a[0] + 1, "B", a[2]) in seen)
        return True

    todo = {r: list(acts) for r, acts in per_rank.items()}
    out = {r: [] for r in per_rank}
    seen = {r: set() for r in per_rank}
    while todo:
        progress = False
        for r in sorted(todo):
            a = todo[r][0]
            if not ready(a, seen[r]):
                continue
            out[r].append(a)
            seen[r].add(a)
            if has_comms(a):
                fwd = a[1] == "F"
                send = action(a[0], "SEND_F" if fwd else "SEND_B", a[2])
                recv_stage = a[0] + 1 if fwd else a[0] - 1
                recv = action(recv_stage, "RECV_F" if fwd else "RECV_B", a[2])
                out[r].append(send)
                seen[r].add(send)
                out[stage_rank[recv_stage]].append(recv)
                seen[stage_rank[recv_stage]].add(recv)
            todo[r].pop(0)
            if not todo[r]:
                del todo[r]
            progress = True
        assert progress, "malformed schedule"
    return out


def main():
    order = {r: rank_ops(r) for r in range(S)}
    stage_rank = {st: st % S for st in range(S * LOCAL)}
    with open("interleaved_4x2_8mb.compute.csv", "w", newline="") as f:
        w = csv.writer(f)
        for r in order:
            w.writerow([text(a) for a in order[r]])
    lowered = {r: reduce_grad(unshard_reshard(order[r])) for r in order}
    comms = send_recv(lowered, stage_rank, S * LOCAL)
    with open("interleaved_4x2_8mb.comms.csv", "w", newline="") as f:
        w = csv.writer(f)
        for r in comms:
            w.writerow([text(a) for a in comms[r]])


if __name__ == "__main__":
    main()
