#!/usr/bin/env node
// The `mintlify-agent` command of the npm package. The binary itself comes in one optional
// dependency per platform (npm installs only the one whose `os`, `cpu` and `libc` match), so
// nothing is downloaded at install or run time and npm mirrors and offline caches work. This
// script finds that package and runs its binary with the same arguments and standard streams,
// forwards SIGINT, SIGTERM and SIGHUP to it, and ends as it ended: with its exit code, or killed
// by the same signal. No dependencies; CommonJS so that any Node from 14 on runs it.
"use strict";

const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");

const manifest = require("../package.json");
const NAME = Object.keys(manifest.bin)[0];
/** Exit code when no binary can be run, as a shell's for a command it cannot find. */
const NOT_FOUND = 127;

/** Whether this Linux runs on musl rather than glibc (Node's report names glibc's version). */
function isMusl() {
  try {
    process.report.excludeNetwork = true;
    const report = process.report.getReport();
    const header = typeof report === "string" ? JSON.parse(report).header : report.header;
    return !header.glibcVersionRuntime;
  } catch (_) {
    return false;
  }
}

/** The platform packages this version lists, by key (`linux-x64` -> `@scope/cli-linux-x64`). */
function platformPackages() {
  const packages = new Map();
  for (const name of Object.keys(manifest.optionalDependencies || {})) {
    const base = name.split("/").pop();
    if (base.startsWith("cli-")) packages.set(base.slice("cli-".length), name);
  }
  return packages;
}

/** The installed binary of `pkg`, or null when npm did not install that package. */
function binaryOf(pkg) {
  let dir;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch (_) {
    return null;
  }
  const file = path.join(dir, "bin", process.platform === "win32" ? `${NAME}.exe` : NAME);
  return fs.existsSync(file) ? file : null;
}

function otherWays() {
  const repository = manifest.homepage.replace(/#.*$/, "");
  return [
    "Other ways to install it:",
    `  pipx install ${NAME}   (or: uvx ${NAME}, pip install ${NAME})`,
    `  the release archives and installers: ${repository}/releases/tag/v${manifest.version}`,
    `  from source, with Rust: cargo install ${NAME}-cli`,
  ].join("\n");
}

function fail(message) {
  process.stderr.write(`${NAME}: ${message}\n${otherWays()}\n`);
  process.exit(NOT_FOUND);
}

function main() {
  const packages = platformPackages();
  const base = `${process.platform}-${process.arch}`;
  const keys = process.platform === "linux" ? [base, `${base}-musl`] : [base];
  const installed = keys
    .filter((key) => packages.has(key))
    .map((key) => ({ key, binary: binaryOf(packages.get(key)) }))
    .filter((found) => found.binary);
  // npm installed the package whose os, cpu and libc match. Asking which libc runs here costs a
  // report (tens of milliseconds), so it is asked only when both or neither are installed.
  let chosen = installed.length === 1 ? installed[0] : null;
  if (!chosen) {
    const musl = process.platform === "linux" && isMusl();
    const here = musl ? `${base}-musl` : base;
    // A static musl binary also runs on glibc; a glibc one does not run on musl.
    const usable = musl ? [here] : keys;
    chosen = installed.find((found) => usable.includes(found.key));
    const wanted = usable.find((key) => packages.has(key));
    if (!chosen && !wanted) {
      fail(
        `no prebuilt binary for this platform (${here}): version ${manifest.version} is ` +
          `published for ${[...packages.keys()].join(", ")}.`,
      );
    }
    if (!chosen) {
      const pkg = `${packages.get(wanted)}@${manifest.version}`;
      fail(
        `the binary for this platform (${here}) comes in the optional dependency ${pkg}, ` +
          "which is not installed. npm leaves it out with --omit=optional (or --no-optional), " +
          "and when a lockfile made on another platform does not list it: install again " +
          `without those, or add it by hand with \`npm install ${pkg}\`.`,
      );
    }
  }
  const binary = chosen.binary;

  const child = spawn(binary, process.argv.slice(2), { stdio: "inherit" });
  const forwarded = ["SIGINT", "SIGTERM", "SIGHUP"];
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of forwarded) process.on(signal, forward);

  child.on("error", (error) => {
    process.stderr.write(`${NAME}: cannot run ${binary}: ${error.message}\n`);
    process.exit(NOT_FOUND);
  });
  child.on("exit", (code, signal) => {
    if (signal) {
      // End the same way, so that whoever started us sees the signal: stop catching it and
      // send it to ourselves. 128 + its number if it does not end us (an ignored SIGHUP).
      for (const s of forwarded) process.removeListener(s, forward);
      process.kill(process.pid, signal);
      const number = require("os").constants.signals[signal] || 0;
      setTimeout(() => process.exit(128 + number), 100);
      return;
    }
    process.exit(code === null ? 1 : code);
  });
}

main();
