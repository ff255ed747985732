// The Python extension's selected interpreter, through its public API (@vscode/python-extension).
// Everything here is optional: without the Python extension the extension falls back to python3 on PATH.
import * as vscode from "vscode";
import { PythonExtension, PVSC_EXTENSION_ID } from "@vscode/python-extension";

async function api(): Promise<PythonExtension | undefined> {
  if (!vscode.extensions.getExtension(PVSC_EXTENSION_ID)) {
    return undefined;
  }
  try {
    return await PythonExtension.api();
  } catch {
    return undefined;
  }
}

/** The executable of the interpreter selected for `resource`, or undefined. */
export async function selectedInterpreter(resource?: vscode.Uri): Promise<string | undefined> {
  const python = await api();
  if (!python) {
    return undefined;
  }
  const active = python.environments.getActiveEnvironmentPath(resource);
  const resolved = await python.environments.resolveEnvironment(active);
  return resolved?.executable.uri?.fsPath ?? undefined;
}

/** Calls `listener` when the user selects another interpreter; undefined without the Python extension. */
export async function onInterpreterChanged(listener: () => void): Promise<vscode.Disposable | undefined> {
  const python = await api();
  return python?.environments.onDidChangeActiveEnvironmentPath(() => listener());
}

export function hasPythonExtension(): boolean {
  return vscode.extensions.getExtension(PVSC_EXTENSION_ID) !== undefined;
}
