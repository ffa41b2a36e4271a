package dev.neghash.cli;

/** Marks a command that leaves threads running (a server): the process stays up after it returns. */
public interface LongRunning {}
