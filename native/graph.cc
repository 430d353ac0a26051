#include "graph.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "addon_data.h"
#include "status.h"

namespace tfdata {
namespace {

// One attribute, read from JS completely before any TF_SetAttr* call, so that a bad value
// never leaves a half-described operation behind.
struct Attr {
  std::string name, kind;
  int64_t i = 0;
  double f = 0;
  bool b = false;
  std::string s;
  std::vector<int64_t> ints;
  std::vector<float> floats;
  std::vector<unsigned char> bools;
  std::vector<std::string> strings;
  std::vector<std::vector<int64_t>> shapes;  // rank -1 is stored as {-2} sentinel below
  std::vector<int> ranks;
  std::vector<TensorPtr> tensors;
};

int64_t IntFromJS(Napi::Env env, Napi::Value v, const std::string& what) {
  if (v.IsBigInt()) {
    bool lossless;
    int64_t r = v.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless) throw Napi::RangeError::New(env, what + " does not fit in int64");
    return r;
  }
  if (!v.IsNumber()) throw Napi::TypeError::New(env, what + " must be an integer");
  double d = v.As<Napi::Number>().DoubleValue();
  if (std::floor(d) != d || std::fabs(d) > 9007199254740991.0)
    throw Napi::RangeError::New(env, what + " must be an integer");
  return static_cast<int64_t>(d);
}

std::string BytesFromJS(Napi::Env env, Napi::Value v, const std::string& what) {
  if (v.IsString()) return v.As<Napi::String>().Utf8Value();
  if (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
    Napi::Uint8Array a = v.As<Napi::Uint8Array>();
    return std::string(reinterpret_cast<const char*>(a.Data()), a.ByteLength());
  }
  throw Napi::TypeError::New(env, what + " must be a string or Uint8Array");
}

// A shape attr: null = unknown rank, else dims with -1 for unknown.
void ShapeAttrFromJS(Napi::Env env, Napi::Value v, const std::string& what, Attr& attr) {
  if (v.IsNull() || v.IsUndefined()) {
    attr.shapes.push_back({});
    attr.ranks.push_back(-1);
    return;
  }
  if (!v.IsArray()) throw Napi::TypeError::New(env, what + " must be an array of dimensions or null");
  Napi::Array a = v.As<Napi::Array>();
  std::vector<int64_t> dims;
  for (uint32_t k = 0; k < a.Length(); k++) {
    int64_t d = IntFromJS(env, a.Get(k), what + "[" + std::to_string(k) + "]");
    if (d < -1) throw Napi::RangeError::New(env, what + " dimensions must be >= -1");
    dims.push_back(d);
  }
  attr.ranks.push_back(static_cast<int>(dims.size()));
  attr.shapes.push_back(std::move(dims));
}

Attr AttrFromJS(Napi::Env env, Napi::Value entry) {
  if (!entry.IsArray() || entry.As<Napi::Array>().Length() != 3) {
    throw Napi::TypeError::New(env, "each attr must be [name, kind, value]");
  }
  Napi::Array e = entry.As<Napi::Array>();
  Attr attr;
  if (!e.Get(0u).IsString() || !e.Get(1u).IsString())
    throw Napi::TypeError::New(env, "attr name and kind must be strings");
  attr.name = e.Get(0u).As<Napi::String>().Utf8Value();
  attr.kind = e.Get(1u).As<Napi::String>().Utf8Value();
  Napi::Value v = e.Get(2u);
  const std::string what = "attr '" + attr.name + "'";
  const std::string& k = attr.kind;
  auto list = [&]() -> Napi::Array {
    if (!v.IsArray()) throw Napi::TypeError::New(env, what + " must be an array");
    return v.As<Napi::Array>();
  };
  if (k == "int" || k == "type") {
    attr.i = IntFromJS(env, v, what);
  } else if (k == "float") {
    if (!v.IsNumber()) throw Napi::TypeError::New(env, what + " must be a number");
    attr.f = v.As<Napi::Number>().DoubleValue();
  } else if (k == "bool") {
    if (!v.IsBoolean()) throw Napi::TypeError::New(env, what + " must be a boolean");
    attr.b = v.As<Napi::Boolean>().Value();
  } else if (k == "string" || k == "func") {
    attr.s = BytesFromJS(env, v, what);
  } else if (k == "shape") {
    ShapeAttrFromJS(env, v, what, attr);
  } else if (k == "tensor") {
    attr.tensors.push_back(TensorHandle::FromJS(env, v, what.c_str())->tensor(env));
  } else if (k == "list(int)" || k == "list(type)") {
    Napi::Array a = list();
    for (uint32_t j = 0; j < a.Length(); j++) attr.ints.push_back(IntFromJS(env, a.Get(j), what + " item"));
  } else if (k == "list(float)") {
    Napi::Array a = list();
    for (uint32_t j = 0; j < a.Length(); j++) {
      if (!a.Get(j).IsNumber()) throw Napi::TypeError::New(env, what + " items must be numbers");
      attr.floats.push_back(a.Get(j).As<Napi::Number>().FloatValue());
    }
  } else if (k == "list(bool)") {
    Napi::Array a = list();
    for (uint32_t j = 0; j < a.Length(); j++) {
      if (!a.Get(j).IsBoolean()) throw Napi::TypeError::New(env, what + " items must be booleans");
      attr.bools.push_back(a.Get(j).As<Napi::Boolean>().Value() ? 1 : 0);
    }
  } else if (k == "list(string)") {
    Napi::Array a = list();
    for (uint32_t j = 0; j < a.Length(); j++) attr.strings.push_back(BytesFromJS(env, a.Get(j), what + " item"));
  } else if (k == "list(shape)") {
    Napi::Array a = list();
    for (uint32_t j = 0; j < a.Length(); j++) ShapeAttrFromJS(env, a.Get(j), what + " item", attr);
  } else if (k == "list(tensor)") {
    Napi::Array a = list();
    for (uint32_t j = 0; j < a.Length(); j++)
      attr.tensors.push_back(TensorHandle::FromJS(env, a.Get(j), what.c_str())->tensor(env));
  } else {
    throw Napi::TypeError::New(env, what + " has unknown kind '" + k + "'");
  }
  return attr;
}

// The list kinds of ApplyAttr: each TF setter wants its own array of pointers or values.
void ApplyListAttr(const TfApi& tf, TF_OperationDescription* d, const Attr& a, TF_Status* status) {
  const char* n = a.name.c_str();
  const std::string& k = a.kind;
  if (k == "list(int)") {
    tf.TF_SetAttrIntList(d, n, a.ints.data(), static_cast<int>(a.ints.size()));
  } else if (k == "list(type)") {
    std::vector<TF_DataType> types(a.ints.begin(), a.ints.end());
    tf.TF_SetAttrTypeList(d, n, types.data(), static_cast<int>(types.size()));
  } else if (k == "list(float)") {
    tf.TF_SetAttrFloatList(d, n, a.floats.data(), static_cast<int>(a.floats.size()));
  } else if (k == "list(bool)") {
    tf.TF_SetAttrBoolList(d, n, a.bools.data(), static_cast<int>(a.bools.size()));
  } else if (k == "list(string)") {
    std::vector<const void*> ptrs;
    std::vector<size_t> lens;
    for (const auto& s : a.strings) {
      ptrs.push_back(s.data());
      lens.push_back(s.size());
    }
    tf.TF_SetAttrStringList(d, n, ptrs.data(), lens.data(), static_cast<int>(ptrs.size()));
  } else if (k == "list(shape)") {
    std::vector<const int64_t*> ptrs;
    for (const auto& s : a.shapes) ptrs.push_back(s.data());
    tf.TF_SetAttrShapeList(d, n, ptrs.data(), a.ranks.data(), static_cast<int>(ptrs.size()));
  } else if (k == "list(tensor)") {
    std::vector<TF_Tensor*> ptrs;
    for (const auto& t : a.tensors) ptrs.push_back(t.get());
    tf.TF_SetAttrTensorList(d, n, ptrs.data(), static_cast<int>(ptrs.size()), status);
  }
}

void ApplyAttr(const TfApi& tf, TF_OperationDescription* d, const Attr& a, TF_Status* status) {
  const char* n = a.name.c_str();
  const std::string& k = a.kind;
  if (k == "int") tf.TF_SetAttrInt(d, n, a.i);
  else if (k == "type") tf.TF_SetAttrType(d, n, static_cast<TF_DataType>(a.i));
  else if (k == "float") tf.TF_SetAttrFloat(d, n, static_cast<float>(a.f));
  else if (k == "bool") tf.TF_SetAttrBool(d, n, a.b ? 1 : 0);
  else if (k == "string") tf.TF_SetAttrString(d, n, a.s.data(), a.s.size());
  else if (k == "func") tf.TF_SetAttrFuncName(d, n, a.s.data(), a.s.size());
  else if (k == "shape") tf.TF_SetAttrShape(d, n, a.shapes[0].data(), a.ranks[0]);
  else if (k == "tensor") tf.TF_SetAttrTensor(d, n, a.tensors[0].get(), status);
  else ApplyListAttr(tf, d, a, status);
}

}  // namespace

void Graph::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls =
      DefineClass(env, "Graph",
                  {InstanceMethod("addOperation", &Graph::AddOperation), InstanceMethod("opDef", &Graph::OpDef),
                   InstanceMethod("toGraphDef", &Graph::ToGraphDef), InstanceMethod("toFunction", &Graph::ToFunction),
                   InstanceMethod("copyFunction", &Graph::CopyFunction), InstanceMethod("dispose", &Graph::Dispose)});
  Data(env).graph_class = Napi::Persistent(cls);
  exports.Set("Graph", cls);
}

Graph::Graph(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Graph>(info) {
  graph_ = RequireApi(info.Env()).TF_NewGraph();
  live_handles++;
}

Graph::~Graph() {
  // TensorFlow keeps the graph alive while a session still uses it.
  if (graph_ != nullptr) {
    TensorFlowApi()->TF_DeleteGraph(graph_);
    live_handles--;
  }
}

Graph* Graph::FromJS(Napi::Env env, Napi::Value value, const char* what) {
  if (!value.IsObject() || !value.As<Napi::Object>().InstanceOf(Data(env).graph_class.Value())) {
    throw Napi::TypeError::New(env, std::string(what) + " must be a Graph");
  }
  return Napi::ObjectWrap<Graph>::Unwrap(value.As<Napi::Object>());
}

TF_Graph* Graph::graph(Napi::Env env) const {
  if (graph_ == nullptr) throw Napi::Error::New(env, "graph used after dispose()");
  return graph_;
}

TF_Operation* Graph::OperationFromJS(Napi::Env env, Napi::Value value, const char* what) const {
  if (!value.IsNumber()) throw Napi::TypeError::New(env, std::string(what) + " must be an operation id");
  int64_t id = value.As<Napi::Number>().Int64Value();
  if (id < 0 || id >= static_cast<int64_t>(operations_.size())) {
    throw Napi::RangeError::New(env, std::string(what) + " is not an operation of this graph");
  }
  return operations_[static_cast<size_t>(id)];
}

TF_Output Graph::OutputFromJS(Napi::Env env, Napi::Value value, const char* what) const {
  if (!value.IsObject()) throw Napi::TypeError::New(env, std::string(what) + " must be { op, index }");
  Napi::Object o = value.As<Napi::Object>();
  TF_Operation* op = OperationFromJS(env, o.Get("op"), what);
  int64_t index = IntFromJS(env, o.Get("index"), std::string(what) + ".index");
  if (index < 0 || index >= TensorFlowApi()->TF_OperationNumOutputs(op)) {
    throw Napi::RangeError::New(env, std::string(what) + ".index is out of range");
  }
  return TF_Output{op, static_cast<int>(index)};
}

Napi::Object Graph::DescribeOutput(Napi::Env env, TF_Output output) {
  const TfApi& tf = *TensorFlowApi();
  Napi::Object o = Napi::Object::New(env);
  o.Set("dtype", Napi::Number::New(env, tf.TF_OperationOutputType(output)));
  Status status;
  int rank = tf.TF_GraphGetTensorNumDims(graph_, output, status.get());
  if (!status.ok() || rank < 0) {
    o.Set("shape", env.Null());
    return o;
  }
  std::vector<int64_t> dims(rank);
  if (rank > 0) tf.TF_GraphGetTensorShape(graph_, output, dims.data(), rank, status.get());
  Napi::Array shape = Napi::Array::New(env, rank);
  for (int i = 0; i < rank; i++) shape.Set(i, Napi::Number::New(env, static_cast<double>(dims[i])));
  o.Set("shape", shape);
  return o;
}

// addOperation(type, name, inputs, attrs, controlInputs?) -> { id, outputs: [{dtype, shape}] }
// inputs: each { op, index } or an array of them (a list input).
Napi::Value Graph::AddOperation(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    const TfApi& tf = RequireApi(env);
    TF_Graph* g = graph(env);
    if (!info[0].IsString()) throw Napi::TypeError::New(env, "operation type must be a string");
    if (!info[1].IsString()) throw Napi::TypeError::New(env, "operation name must be a string");
    if (!info[2].IsArray()) throw Napi::TypeError::New(env, "inputs must be an array");
    if (!info[3].IsArray()) throw Napi::TypeError::New(env, "attrs must be an array");
    std::string type = info[0].As<Napi::String>().Utf8Value();
    std::string name = info[1].As<Napi::String>().Utf8Value();
    std::vector<std::vector<TF_Output>> inputs;
    std::vector<bool> is_list;
    Napi::Array in = info[2].As<Napi::Array>();
    for (uint32_t i = 0; i < in.Length(); i++) {
      Napi::Value v = in.Get(i);
      std::vector<TF_Output> group;
      if (v.IsArray()) {
        Napi::Array list = v.As<Napi::Array>();
        for (uint32_t j = 0; j < list.Length(); j++) group.push_back(OutputFromJS(env, list.Get(j), "input"));
        is_list.push_back(true);
      } else {
        group.push_back(OutputFromJS(env, v, "input"));
        is_list.push_back(false);
      }
      inputs.push_back(std::move(group));
    }
    std::vector<Attr> attrs;
    Napi::Array at = info[3].As<Napi::Array>();
    for (uint32_t i = 0; i < at.Length(); i++) attrs.push_back(AttrFromJS(env, at.Get(i)));
    std::vector<TF_Operation*> controls;
    if (info.Length() > 4 && info[4].IsArray()) {
      Napi::Array c = info[4].As<Napi::Array>();
      for (uint32_t i = 0; i < c.Length(); i++) controls.push_back(OperationFromJS(env, c.Get(i), "control input"));
    }

    // Everything is validated: describe and finish the operation without JS in between.
    Status status;
    TF_OperationDescription* d = tf.TF_NewOperation(g, type.c_str(), name.c_str());
    for (size_t i = 0; i < inputs.size(); i++) {
      if (is_list[i]) tf.TF_AddInputList(d, inputs[i].data(), static_cast<int>(inputs[i].size()));
      else tf.TF_AddInput(d, inputs[i][0]);
    }
    for (TF_Operation* c : controls) tf.TF_AddControlInput(d, c);
    std::string attr_error;
    int attr_code = 0;
    for (const Attr& a : attrs) {
      ApplyAttr(tf, d, a, status.get());
      if (!status.ok() && attr_error.empty()) {
        attr_error = "attr '" + a.name + "': " + status.message();
        attr_code = status.code();
      }
    }
    // TF_FinishOperation always consumes the description, also on failure.
    TF_Operation* op = tf.TF_FinishOperation(d, status.get());
    if (!attr_error.empty()) throw MakeTFError(env, attr_code, type + " '" + name + "': " + attr_error);
    ThrowIfError(env, status, type + " '" + name + "'");
    operations_.push_back(op);
    Napi::Object result = Napi::Object::New(env);
    result.Set("id", Napi::Number::New(env, static_cast<double>(operations_.size() - 1)));
    result.Set("name", Napi::String::New(env, tf.TF_OperationName(op)));
    int n = tf.TF_OperationNumOutputs(op);
    Napi::Array outputs = Napi::Array::New(env, n);
    for (int i = 0; i < n; i++) outputs.Set(i, DescribeOutput(env, TF_Output{op, i}));
    result.Set("outputs", outputs);
    return result;
  }
  TFDATA_CATCH_STD(env)
}

// The serialized OpDef of a registered op type.
Napi::Value Graph::OpDef(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const TfApi& tf = RequireApi(env);
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "op type must be a string");
  std::string type = info[0].As<Napi::String>().Utf8Value();
  TF_Graph* g = graph(env);
  return BufferToJS(env, tf, [&](TF_Buffer* b, TF_Status* s) { tf.TF_GraphGetOpDef(g, type.c_str(), b, s); });
}

Napi::Value Graph::ToGraphDef(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const TfApi& tf = RequireApi(env);
  TF_Graph* g = graph(env);
  return BufferToJS(env, tf, [&](TF_Buffer* b, TF_Status* s) { tf.TF_GraphToGraphDef(g, b, s); });
}

namespace {
// AttrValue { b: true } (field 5, varint 1).
constexpr char kAttrTrue[] = {0x28, 0x01};
}  // namespace

// toFunction(name, inputs: Output[], outputs: Output[], appendHash) -> Function
Napi::Value Graph::ToFunction(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    const TfApi& tf = RequireApi(env);
    if (!info[0].IsString()) throw Napi::TypeError::New(env, "function name must be a string");
    if (!info[1].IsArray() || !info[2].IsArray()) throw Napi::TypeError::New(env, "inputs and outputs must be arrays");
    std::string name = info[0].As<Napi::String>().Utf8Value();
    std::vector<TF_Output> inputs, outputs;
    Napi::Array in = info[1].As<Napi::Array>(), out = info[2].As<Napi::Array>();
    for (uint32_t i = 0; i < in.Length(); i++) inputs.push_back(OutputFromJS(env, in.Get(i), "function input"));
    for (uint32_t i = 0; i < out.Length(); i++) outputs.push_back(OutputFromJS(env, out.Get(i), "function output"));
    bool append_hash = info[3].IsBoolean() ? info[3].As<Napi::Boolean>().Value() : true;
    Status status;
    TF_Function* fn = tf.TF_GraphToFunction(
        graph(env), name.c_str(), append_hash ? 1 : 0, -1, nullptr, static_cast<int>(inputs.size()), inputs.data(),
        static_cast<int>(outputs.size()), outputs.data(), nullptr, nullptr, nullptr, status.get());
    ThrowIfError(env, status, "function '" + name + "'");
    // tf.data instantiates a dataset function anew for every iterator; as a "multi-device"
    // function that runs Grappler over its body each time (~3 ms for a one-op map, most of an
    // iterator's start). This attr makes tf.data instantiate it as a single-device function
    // instead; it only changes where int32 tensors live, which on a CPU-only build is the same
    // memory. Measured: iterator start 4.7 ms -> 1.5 ms (BENCHMARKS.md, W7).
    tf.TF_FunctionSetAttrValueProto(fn, "experimental_ints_on_device", kAttrTrue, sizeof(kAttrTrue), status.get());
    if (!status.ok()) tf.TF_DeleteFunction(fn);
    ThrowIfError(env, status, "function '" + name + "'");
    return Function::Wrap(env, fn);
  }
  TFDATA_CATCH_STD(env)
}

Napi::Value Graph::CopyFunction(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const TfApi& tf = RequireApi(env);
  Function* fn = Function::FromJS(env, info[0], "function");
  Status status;
  tf.TF_GraphCopyFunction(graph(env), fn->function(env), nullptr, status.get());
  ThrowIfError(env, status);
  return env.Undefined();
}

Napi::Value Graph::Dispose(const Napi::CallbackInfo& info) {
  if (graph_ != nullptr) {
    TensorFlowApi()->TF_DeleteGraph(graph_);
    graph_ = nullptr;
    operations_.clear();
    live_handles--;
  }
  return info.Env().Undefined();
}

// ---- Function ----

void Function::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls =
      DefineClass(env, "Function",
                  {InstanceAccessor("name", &Function::Name, nullptr), InstanceMethod("dispose", &Function::Dispose)});
  Data(env).function_class = Napi::Persistent(cls);
  exports.Set("Function", cls);
}

Function::Function(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Function>(info) {
  if (!info[0].IsExternal()) throw Napi::TypeError::New(info.Env(), "Function is made by Graph.toFunction()");
  function_ = info[0].As<Napi::External<TF_Function>>().Data();
  live_handles++;
}

Function::~Function() {
  if (function_ != nullptr) {
    TensorFlowApi()->TF_DeleteFunction(function_);
    live_handles--;
  }
}

Napi::Object Function::Wrap(Napi::Env env, TF_Function* function) {
  return Data(env).function_class.New({Napi::External<TF_Function>::New(env, function)});
}

Function* Function::FromJS(Napi::Env env, Napi::Value value, const char* what) {
  if (!value.IsObject() || !value.As<Napi::Object>().InstanceOf(Data(env).function_class.Value())) {
    throw Napi::TypeError::New(env, std::string(what) + " must be a Function");
  }
  return Napi::ObjectWrap<Function>::Unwrap(value.As<Napi::Object>());
}

TF_Function* Function::function(Napi::Env env) const {
  if (function_ == nullptr) throw Napi::Error::New(env, "function used after dispose()");
  return function_;
}

Napi::Value Function::Name(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), TensorFlowApi()->TF_FunctionName(function(info.Env())));
}

Napi::Value Function::Dispose(const Napi::CallbackInfo& info) {
  if (function_ != nullptr) {
    TensorFlowApi()->TF_DeleteFunction(function_);
    function_ = nullptr;
    live_handles--;
  }
  return info.Env().Undefined();
}

}  // namespace tfdata
