// The multi-select QuickPick of "Choose APIs for this comment".
import * as vscode from "vscode";
import { exclusiveSelection, PickItem } from "./common/chooseApis";

type Row = PickItem & vscode.QuickPickItem;

export function pickApis(items: PickItem[], title: string): Promise<PickItem[] | undefined> {
  const quickPick = vscode.window.createQuickPick<Row>();
  quickPick.title = title;
  quickPick.placeholder = "Tick the APIs the code should use (or None of the above), then press Enter";
  quickPick.canSelectMany = true;
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  quickPick.items = items;
  let previous: readonly Row[] = [];
  return new Promise((resolve) => {
    let accepted = false;
    quickPick.onDidChangeSelection((selection) => {
      const wanted = exclusiveSelection(previous, selection);
      previous = wanted;
      if (wanted.length !== selection.length) {
        quickPick.selectedItems = wanted;
      }
    });
    quickPick.onDidAccept(() => {
      accepted = true;
      resolve([...quickPick.selectedItems]);
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      if (!accepted) {
        resolve(undefined);
      }
      quickPick.dispose();
    });
    quickPick.show();
  });
}
