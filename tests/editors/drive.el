;;; drive.el --- drive Apiary from Emacs's Eglot in batch mode  -*- lexical-binding: t -*-
;; Writes what the server answered as JSON to $APIARY_OUT; test_emacs.py asserts on it.
(require 'package)
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)
(require 'eglot)
(require 'json)
(require 'python)

;; every file under the scenario's folder is one project (the transient one the server is started for),
;; so Eglot manages the library's module opened there too
(add-hook 'project-find-functions
          (lambda (_dir) (cons 'transient (file-name-directory (getenv "APIARY_FILE")))))

(setq eglot-sync-connect t                       ; `eglot' returns a connected server
      eglot-confirm-server-initiated-edits nil   ; batch mode has nobody to ask
      eglot-autoshutdown nil)

(defun apiary--at (line character)
  (list :textDocument (eglot--TextDocumentIdentifier) :position (list :line line :character character)))

(defun apiary--text (insert-text)
  (if (stringp insert-text) insert-text (plist-get insert-text :value)))

(let* ((file (getenv "APIARY_FILE"))
       (contact (list (getenv "APIARY_PYTHON") "-m" "apiary" "serve" "--stdio"
                      :initializationOptions (list :libraries (vector (getenv "APIARY_LIB")) :encoder "hashing")))
       (result nil))
  (find-file file)
  (python-mode)
  (let* ((server (eglot '(python-mode) (cons 'transient (file-name-directory file)) 'eglot-lsp-server contact "python"))
         (deadline (+ (float-time) 60))
         (ready nil))
    (while (and (not ready) (< (float-time) deadline))
      (setq ready (eq t (plist-get (jsonrpc-request server :workspace/executeCommand '(:command "apiary.status")) :ready)))
      (unless ready (sleep-for 0.2)))
    (push (cons "ready" (if ready t :json-false)) result)
    ;; completion items after "orders." (line 2)
    (let ((completion (jsonrpc-request server :textDocument/completion (apiary--at 2 7))))
      (push (cons "labels" (vconcat (mapcar (lambda (item) (plist-get item :label))
                                            (if (vectorp completion) completion (plist-get completion :items)))))
            result))
    ;; hover on read_delimited (line 1)
    (let ((hover (jsonrpc-request server :textDocument/hover (apiary--at 1 15))))
      (push (cons "hover" (or (plist-get (plist-get hover :contents) :value) "")) result))
    ;; the raw inline completion request on the empty line under the comment (line 4)
    (let ((inline (jsonrpc-request server :textDocument/inlineCompletion
                                   (append (apiary--at 4 0) '(:context (:triggerKind 1))))))
      (push (cons "inline" (vconcat (mapcar (lambda (item) (apiary--text (plist-get item :insertText)))
                                            (if (vectorp inline) inline (plist-get inline :items)))))
            result))
    ;; code actions on the comment (line 3); "Insert completion" executed, its edit applied by Eglot
    (let* ((range '(:start (:line 3 :character 2) :end (:line 3 :character 2)))
           (actions (jsonrpc-request server :textDocument/codeAction
                                     (list :textDocument (eglot--TextDocumentIdentifier) :range range
                                           :context '(:diagnostics [])))))
      (push (cons "actions" (vconcat (mapcar (lambda (a) (plist-get a :title)) actions))) result)
      (dolist (action (append actions nil))
        (when (equal (plist-get action :title) "Insert completion")
          (let ((command (or (plist-get action :command) action)))
            (eglot-execute-command server (plist-get command :command) (plist-get command :arguments))))))
    (let ((deadline (+ (float-time) 5)))
      (while (and (< (length (split-string (buffer-string) "\n")) 7) (< (float-time) deadline))
        (accept-process-output nil 0.1)))
    (push (cons "lines" (vconcat (split-string (buffer-substring-no-properties (point-min) (point-max)) "\n")))
          result)
    (push (cons "version" emacs-version) result)
    ;; a module of the library (a copy inside the project) edited and saved: Eglot sends didSave, the
    ;; server re-indexes the library in the background, and its count of APIs grows by the function added
    (let* ((count (lambda () (plist-get (aref (plist-get (jsonrpc-request server :workspace/executeCommand
                                                                          '(:command "apiary.status"))
                                                         :libraries)
                                              0)
                                        :apis)))
           (before (funcall count))
           (deadline (+ (float-time) 60))
           (after before))
      (push (cons "apis_before" before) result)
      (find-file (getenv "APIARY_LIBFILE"))
      (python-mode)
      (goto-char (point-max))
      (insert "\n\ndef shout_words(text):\n    \"\"\"Write the text in capital letters.\"\"\"\n    return text.upper()\n")
      (save-buffer)
      (while (and (equal after before) (< (float-time) deadline))
        (accept-process-output nil 0.2)
        (setq after (funcall count)))
      (push (cons "apis_after" after) result))
    (eglot-shutdown server)
    (let ((stderr (seq-find (lambda (b) (string-match-p "^\\*EGLOT .* stderr\\*$" (buffer-name b))) (buffer-list))))
      (push (cons "stderr" (if stderr (with-current-buffer stderr (buffer-string)) "")) result)))
  (with-temp-file (getenv "APIARY_OUT") (insert (json-encode result))))
(kill-emacs 0)
