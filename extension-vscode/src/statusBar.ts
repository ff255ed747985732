// The status bar item; what it says comes from StatusModel (src/common/status.ts).
import * as vscode from "vscode";
import { ProgressValue, ServerState, StatusModel } from "./common/status";

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("apiary.status", vscode.StatusBarAlignment.Right, 100);
  private readonly model = new StatusModel();

  constructor(command: string) {
    this.item.name = "Apiary";
    this.item.command = command;
    this.render();
    this.item.show();
  }

  setState(state: ServerState, failure?: string): void {
    this.model.setState(state, failure);
    this.render();
  }

  setStatus(status: unknown): void {
    this.model.setStatus(status);
    this.render();
  }

  progress(token: string | number, value: ProgressValue): void {
    this.model.progress(token, value);
    this.render();
  }

  private render(): void {
    const view = this.model.view();
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor =
      view.severity === "error"
        ? new vscode.ThemeColor("statusBarItem.errorBackground")
        : view.severity === "warning"
          ? new vscode.ThemeColor("statusBarItem.warningBackground")
          : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
