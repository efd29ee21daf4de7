#!/usr/bin/env bash
# Runs scour on a Slurm cluster: an array of N shard jobs, each reading, cleaning, normalizing
# and fingerprinting its slice of the inputs, then one merge job that starts when all of them
# have succeeded and deduplicates across the whole corpus. The outputs are byte for byte those
# of one `scour run` on all the inputs.
#
#   config/slurm/submit.sh --shards N --output DIR [options] [-- scour run flags]
#
# Options (each also passed through to sbatch where it names a Slurm setting):
#   --shards N          shard jobs (each takes whole input files, about 1/N of the bytes)
#   --output DIR        output folder; the shards go to DIR/shards/, the logs beside them
#   --cpus C            CPUs per shard job (default 4); scour uses that many threads
#   --mem SIZE          memory per shard job (e.g. 8G; default: the partition's)
#   --merge-cpus C      CPUs of the merge job (default: --cpus)
#   --merge-mem SIZE    memory of the merge job: it holds the whole corpus's index, up to
#                       scour's `--memory` (which every job gets; a shard holds its slice's)
#   --max-running M     at most M shard jobs at once
#   --resume            submit only the shards that have not finished (no shard.json), say
#                       after some failed; the merge checks that the finished ones fit
# Before submitting, it lists the inputs once (`scour run --plan N`: DIR/shards/inputs.json),
# which every shard job cuts its slice from; so scour must run here too. A plain JSONL file
# larger than a shard's share is read through once then and listed as parts, cut at line starts.
#   --partition P, --time T, --account A    as for sbatch
# After `--`: flags for `scour run` (--input, --config, --memory, --mode, ...), given to every
# job; `--threads` is the job's CPUs unless given there. Inputs, config and output must be on a file system every node sees, and every job must
# see the same inputs. `SCOUR` names the scour binary (default: scour on the PATH).
set -euo pipefail

die() { echo "submit.sh: $*" >&2; exit 2; }
shards= output= cpus=4 mem= merge_cpus= merge_mem= max= resume= extra=()
while [ $# -gt 0 ]; do
    case $1 in
        --shards) shards=${2:?}; shift 2 ;;
        --output) output=${2:?}; shift 2 ;;
        --cpus) cpus=${2:?}; shift 2 ;;
        --mem) mem=${2:?}; shift 2 ;;
        --merge-cpus) merge_cpus=${2:?}; shift 2 ;;
        --merge-mem) merge_mem=${2:?}; shift 2 ;;
        --max-running) max=${2:?}; shift 2 ;;
        --resume) resume=1; shift ;;
        --partition|--time|--account) extra+=("$1=${2:?}"); shift 2 ;;
        --) shift; break ;;
        *) die "unknown option $1 (scour flags go after --)" ;;
    esac
done
[ -n "$shards" ] || die "--shards N is required"
[ -n "$output" ] || die "--output DIR is required"
[[ $shards =~ ^[1-9][0-9]*$ ]] || die "--shards must be a positive number"
command -v sbatch >/dev/null || die "sbatch not found: run this on a Slurm login node"

here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$output/shards"
output=$(cd "$output" && pwd)
# A merge must not mix these shards with an earlier split's.
for d in "$output"/shards/*-of-*; do
    [ -e "$d" ] || continue
    case $d in
        *-of-$(printf %05d "$shards")) ;;
        *) die "$d is from a split into another number of shards; remove it first" ;;
    esac
done
# The input list, walked once here, not once a shard job; kept as it is by --resume, so the
# shards still to run cut the same slices as the finished ones.
if [ -z "$resume" ]; then
    "${SCOUR:-scour}" run --plan "$shards" --output "$output" "$@" ||
        die "could not list the inputs (is scour, or \$SCOUR, runnable here?)"
fi
# The shards to run: all, or with --resume those without a finished folder.
tasks="0-$((shards - 1))"
if [ -n "$resume" ]; then
    tasks=
    for ((k = 0; k < shards; k++)); do
        [ -f "$output/shards/$(printf '%05d-of-%05d' "$k" "$shards")/shard.json" ] ||
            tasks+="${tasks:+,}$k"
    done
fi
# `${a[@]+"${a[@]}"}`: an empty array under `set -u` in bash before 4.4 too.
common=(--parsable --chdir "$PWD" --export=ALL ${extra[@]+"${extra[@]}"})
after=()
if [ -n "$tasks" ]; then
    array=$(sbatch "${common[@]}" --job-name scour-shard \
        --array "$tasks${max:+%$max}" --cpus-per-task "$cpus" ${mem:+--mem "$mem"} \
        --output "$output/shards/slurm-%A_%a.log" \
        "$here/shard.sbatch" "$shards" "$output" "$@")
    array=${array%%;*}
    after=(--dependency "afterok:$array" --kill-on-invalid-dep=yes)
    echo "shard jobs: $array (array: shards $tasks of 0-$((shards - 1)))"
else
    echo "every shard has finished: submitting the merge alone"
fi
merge=$(sbatch "${common[@]}" --job-name scour-merge ${after[@]+"${after[@]}"} \
    --cpus-per-task "${merge_cpus:-$cpus}" ${merge_mem:+--mem "$merge_mem"} \
    --output "$output/slurm-merge-%j.log" \
    "$here/merge.sbatch" "$output" "$@")
merge=${merge%%;*}
echo "merge job: $merge${after:+ (starts when every shard job succeeded)}"
echo "logs in $output/shards/ and $output/"
