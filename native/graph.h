// A TF_Graph that JS grows one operation at a time, and the TF_Functions made from graphs.
#pragma once
#include <napi.h>

#include <vector>

#include "tensor.h"

namespace tfdata {

class Graph : public Napi::ObjectWrap<Graph> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit Graph(const Napi::CallbackInfo& info);
  ~Graph() override;
  static Graph* FromJS(Napi::Env env, Napi::Value value, const char* what);
  TF_Graph* graph(Napi::Env env) const;
  // Reads { op, index } into a TF_Output of this graph.
  TF_Output OutputFromJS(Napi::Env env, Napi::Value value, const char* what) const;
  TF_Operation* OperationFromJS(Napi::Env env, Napi::Value value, const char* what) const;

 private:
  Napi::Value AddOperation(const Napi::CallbackInfo& info);
  Napi::Value OpDef(const Napi::CallbackInfo& info);
  Napi::Value ToGraphDef(const Napi::CallbackInfo& info);
  Napi::Value ToFunction(const Napi::CallbackInfo& info);
  Napi::Value CopyFunction(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Object DescribeOutput(Napi::Env env, TF_Output output);

  TF_Graph* graph_;
  std::vector<TF_Operation*> operations_;  // JS refers to operations by index here
};

class Function : public Napi::ObjectWrap<Function> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit Function(const Napi::CallbackInfo& info);
  ~Function() override;
  static Napi::Object Wrap(Napi::Env env, TF_Function* function);
  static Function* FromJS(Napi::Env env, Napi::Value value, const char* what);
  TF_Function* function(Napi::Env env) const;

 private:
  Napi::Value Name(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  TF_Function* function_ = nullptr;
};

}  // namespace tfdata
