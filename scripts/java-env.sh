# shellcheck shell=bash
# Picks the JDK that Natrix runs and builds with. Sourced (not executed) by ./natrix, scripts/test and .ci/run.
#
# natrix_select_java chooses, in this order, the first JDK whose major version is at least NATRIX_JAVA_MIN (21):
#   1. $JAVA_HOME, if it is set and new enough;
#   2. the `java` on PATH, if new enough;
#   3. the newest JDK under /usr/lib/jvm.
# On success it exports JAVA_HOME (so ./mvnw uses the same JDK), NATRIX_JAVA (the java binary),
# NATRIX_JAVA_VERSION (e.g. 25.0.3) and NATRIX_JAVA_MAJOR (e.g. 25). Otherwise it prints why on stderr and
# returns 1.
#
# This runs on every start of the launcher, where start-up time counts, so it forks nothing it can avoid:
# versions come from the JDK's `release` file, read by bash itself, and the helpers return values in variables
# rather than through $(...). Only a JDK without a release file is asked with `java -XshowSettings:properties`.

NATRIX_JAVA_MIN=21

# Sets natrix_version to the full version (25.0.3, 1.8.0_292) of the JDK or JRE at home $1, or to "".
natrix_java_version() {
  local home=$1 line
  natrix_version=
  if [[ -r $home/release ]]; then
    while IFS= read -r line; do
      case $line in
        JAVA_VERSION=*) natrix_version=${line#JAVA_VERSION=}; natrix_version=${natrix_version//\"/}; break ;;
      esac
    done <"$home/release"
  fi
  if [[ -z $natrix_version && -x $home/bin/java ]]; then
    while IFS= read -r line; do
      case $line in *"java.version = "*) natrix_version=${line##*= }; break ;; esac
    done < <("$home/bin/java" -XshowSettings:properties -version 2>&1)
  fi
}

# Sets natrix_major to the major number of version $1 (25 for 25.0.3, 8 for 1.8.0_292), or to "".
natrix_java_major() {
  local v=${1#1.}
  v=${v%%[._+-]*}
  natrix_major=
  [[ $v =~ ^[0-9]+$ ]] && natrix_major=$v
  return 0
}

# Succeeds, exporting the variables described above, when $1 is a JDK home new enough for Natrix.
natrix_try_java_home() {
  local home=$1
  [[ -n $home && -x $home/bin/java ]] || return 1
  natrix_java_version "$home"
  natrix_java_major "$natrix_version"
  [[ -n $natrix_major ]] && ((natrix_major >= NATRIX_JAVA_MIN)) || return 1
  export JAVA_HOME=$home NATRIX_JAVA=$home/bin/java NATRIX_JAVA_VERSION=$natrix_version \
    NATRIX_JAVA_MAJOR=$natrix_major
}

natrix_select_java() {
  local natrix_version natrix_major on_path='' home best='' best_major=0 best_version=''
  if [[ -n ${JAVA_HOME:-} ]] && natrix_try_java_home "${JAVA_HOME%/}"; then
    return 0
  fi
  local dir
  local -a path_dirs
  IFS=: read -r -a path_dirs <<<"${PATH:-}"
  for dir in "${path_dirs[@]}"; do
    if [[ -n $dir && -x $dir/java && ! -d $dir/java ]]; then
      on_path=$dir/java
      break
    fi
  done
  if [[ -n $on_path ]]; then
    # /usr/bin/java is usually a chain of links (alternatives) to <home>/bin/java.
    [[ -L $on_path ]] && on_path=$(readlink -f "$on_path" 2>/dev/null || printf '%s' "$on_path")
    if natrix_try_java_home "${on_path%/bin/java}"; then
      return 0
    fi
  fi
  for home in /usr/lib/jvm/*/; do
    home=${home%/}
    [[ -L $home || ! -x $home/bin/java ]] && continue
    natrix_java_version "$home"
    natrix_java_major "$natrix_version"
    if [[ -n $natrix_major ]] && ((natrix_major > best_major)); then
      best=$home best_major=$natrix_major best_version=$natrix_version
    fi
  done
  if [[ -n $best ]] && natrix_try_java_home "$best"; then
    return 0
  fi
  {
    echo "natrix: needs a JDK $NATRIX_JAVA_MIN or newer, and found none."
    if [[ -n ${JAVA_HOME:-} ]]; then
      natrix_java_version "$JAVA_HOME"
      echo "  JAVA_HOME: $JAVA_HOME (version ${natrix_version:-unknown})"
    else
      echo "  JAVA_HOME: (not set)"
    fi
    if [[ -n $on_path ]]; then
      natrix_java_version "${on_path%/bin/java}"
      echo "  java on PATH: $on_path (version ${natrix_version:-unknown})"
    else
      echo "  java on PATH: (none)"
    fi
    echo "  newest under /usr/lib/jvm: ${best:-(none)}${best:+ (version $best_version)}"
    echo "Install a JDK $NATRIX_JAVA_MIN+ (for example: apt-get install openjdk-21-jdk-headless) or set JAVA_HOME to one."
  } >&2
  return 1
}
