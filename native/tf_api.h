// The slice of the TensorFlow C API this addon uses, declared here so the addon builds
// without TensorFlow's headers and binds to whichever libtensorflow is found at run time.
// Layouts and signatures follow tensorflow/c/c_api.h, tf_tensor.h, tf_status.h, tf_tstring.h.
#pragma once
#include <cstddef>
#include <cstdint>

extern "C" {
typedef struct TF_Status TF_Status;
typedef struct TF_Tensor TF_Tensor;
typedef struct TF_Graph TF_Graph;
typedef struct TF_Operation TF_Operation;
typedef struct TF_OperationDescription TF_OperationDescription;
typedef struct TF_Function TF_Function;
typedef struct TF_FunctionOptions TF_FunctionOptions;
typedef struct TF_SessionOptions TF_SessionOptions;
typedef struct TF_Session TF_Session;
typedef struct TF_ImportGraphDefOptions TF_ImportGraphDefOptions;
// The op and kernel registration API (tensorflow/c/ops.h, tensorflow/c/kernels.h).
typedef struct TF_OpDefinitionBuilder TF_OpDefinitionBuilder;
typedef struct TF_ShapeInferenceContext TF_ShapeInferenceContext;
typedef struct TF_KernelBuilder TF_KernelBuilder;
typedef struct TF_OpKernelConstruction TF_OpKernelConstruction;
typedef struct TF_OpKernelContext TF_OpKernelContext;

typedef struct TF_Buffer {
  const void* data;
  size_t length;
  void (*data_deallocator)(void* data, size_t length);
} TF_Buffer;

typedef struct TF_Output {
  TF_Operation* oper;
  int index;
} TF_Output;

// Opaque 24-byte string cell of TF_STRING tensors (tensorflow/tsl/platform/ctstring_internal.h).
typedef struct TF_TString {
  alignas(8) unsigned char raw[24];
} TF_TString;

typedef int TF_DataType;  // enum TF_DataType; values in generated/tables.h
typedef int TF_Code;      // enum TF_Code
}

// X(return type, name, parameter list) for every function resolved with dlsym.
#define TFDATA_TF_FUNCTIONS(X)                                                                                    \
  X(const char*, TF_Version, (void))                                                                              \
  X(TF_Status*, TF_NewStatus, (void))                                                                             \
  X(void, TF_DeleteStatus, (TF_Status*))                                                                          \
  X(TF_Code, TF_GetCode, (const TF_Status*))                                                                      \
  X(const char*, TF_Message, (const TF_Status*))                                                                  \
  X(TF_Buffer*, TF_NewBuffer, (void))                                                                             \
  X(void, TF_DeleteBuffer, (TF_Buffer*))                                                                          \
  X(TF_Tensor*, TF_NewTensor,                                                                                     \
    (TF_DataType, const int64_t*, int, void*, size_t, void (*)(void*, size_t, void*), void*))                     \
  X(void, TF_DeleteTensor, (TF_Tensor*))                                                                          \
  X(TF_DataType, TF_TensorType, (const TF_Tensor*))                                                               \
  X(int, TF_NumDims, (const TF_Tensor*))                                                                          \
  X(int64_t, TF_Dim, (const TF_Tensor*, int))                                                                     \
  X(size_t, TF_TensorByteSize, (const TF_Tensor*))                                                                \
  X(void*, TF_TensorData, (const TF_Tensor*))                                                                     \
  X(TF_Tensor*, TF_TensorMaybeMove, (TF_Tensor*))                                                                 \
  X(int64_t, TF_TensorElementCount, (const TF_Tensor*))                                                           \
  X(void, TF_StringInit, (TF_TString*))                                                                           \
  X(void, TF_StringCopy, (TF_TString*, const char*, size_t))                                                      \
  X(const char*, TF_StringGetDataPointer, (const TF_TString*))                                                    \
  X(size_t, TF_StringGetSize, (const TF_TString*))                                                                \
  X(void, TF_StringDealloc, (TF_TString*))                                                                        \
  X(TF_Graph*, TF_NewGraph, (void))                                                                               \
  X(void, TF_DeleteGraph, (TF_Graph*))                                                                            \
  X(void, TF_GraphToGraphDef, (TF_Graph*, TF_Buffer*, TF_Status*))                                                \
  X(TF_Buffer*, TF_GetAllOpList, (void))                                                                          \
  X(TF_Buffer*, TF_GetRegisteredKernelsForOp, (const char*, TF_Status*))                                          \
  X(void, TF_GraphGetOpDef, (TF_Graph*, const char*, TF_Buffer*, TF_Status*))                                     \
  X(int, TF_GraphGetTensorNumDims, (TF_Graph*, TF_Output, TF_Status*))                                            \
  X(void, TF_GraphGetTensorShape, (TF_Graph*, TF_Output, int64_t*, int, TF_Status*))                              \
  X(TF_OperationDescription*, TF_NewOperation, (TF_Graph*, const char*, const char*))                             \
  X(void, TF_AddInput, (TF_OperationDescription*, TF_Output))                                                     \
  X(void, TF_AddInputList, (TF_OperationDescription*, const TF_Output*, int))                                     \
  X(void, TF_AddControlInput, (TF_OperationDescription*, TF_Operation*))                                          \
  X(void, TF_SetAttrString, (TF_OperationDescription*, const char*, const void*, size_t))                         \
  X(void, TF_SetAttrStringList, (TF_OperationDescription*, const char*, const void* const*, const size_t*, int))  \
  X(void, TF_SetAttrInt, (TF_OperationDescription*, const char*, int64_t))                                        \
  X(void, TF_SetAttrIntList, (TF_OperationDescription*, const char*, const int64_t*, int))                        \
  X(void, TF_SetAttrFloat, (TF_OperationDescription*, const char*, float))                                        \
  X(void, TF_SetAttrFloatList, (TF_OperationDescription*, const char*, const float*, int))                        \
  X(void, TF_SetAttrBool, (TF_OperationDescription*, const char*, unsigned char))                                 \
  X(void, TF_SetAttrBoolList, (TF_OperationDescription*, const char*, const unsigned char*, int))                 \
  X(void, TF_SetAttrType, (TF_OperationDescription*, const char*, TF_DataType))                                   \
  X(void, TF_SetAttrTypeList, (TF_OperationDescription*, const char*, const TF_DataType*, int))                   \
  X(void, TF_SetAttrFuncName, (TF_OperationDescription*, const char*, const char*, size_t))                       \
  X(void, TF_SetAttrShape, (TF_OperationDescription*, const char*, const int64_t*, int))                          \
  X(void, TF_SetAttrShapeList, (TF_OperationDescription*, const char*, const int64_t* const*, const int*, int))   \
  X(void, TF_SetAttrTensor, (TF_OperationDescription*, const char*, TF_Tensor*, TF_Status*))                      \
  X(void, TF_SetAttrTensorList, (TF_OperationDescription*, const char*, TF_Tensor* const*, int, TF_Status*))      \
  X(TF_Operation*, TF_FinishOperation, (TF_OperationDescription*, TF_Status*))                                    \
  X(const char*, TF_OperationName, (TF_Operation*))                                                               \
  X(int, TF_OperationNumOutputs, (TF_Operation*))                                                                 \
  X(TF_DataType, TF_OperationOutputType, (TF_Output))                                                             \
  X(TF_ImportGraphDefOptions*, TF_NewImportGraphDefOptions, (void))                                               \
  X(void, TF_DeleteImportGraphDefOptions, (TF_ImportGraphDefOptions*))                                            \
  X(void, TF_GraphImportGraphDef, (TF_Graph*, const TF_Buffer*, const TF_ImportGraphDefOptions*, TF_Status*))     \
  X(TF_Operation*, TF_GraphOperationByName, (TF_Graph*, const char*))                                             \
  X(TF_Function*, TF_GraphToFunction,                                                                             \
    (const TF_Graph*, const char*, unsigned char, int, const TF_Operation* const*, int, const TF_Output*, int,    \
     const TF_Output*, const char* const*, const TF_FunctionOptions*, const char*, TF_Status*))                   \
  X(void, TF_FunctionSetAttrValueProto, (TF_Function*, const char*, const void*, size_t, TF_Status*))             \
  X(const char*, TF_FunctionName, (TF_Function*))                                                                 \
  X(void, TF_GraphCopyFunction, (TF_Graph*, const TF_Function*, const TF_Function*, TF_Status*))                  \
  X(void, TF_DeleteFunction, (TF_Function*))                                                                      \
  X(TF_SessionOptions*, TF_NewSessionOptions, (void))                                                             \
  X(void, TF_SetConfig, (TF_SessionOptions*, const void*, size_t, TF_Status*))                                    \
  X(void, TF_DeleteSessionOptions, (TF_SessionOptions*))                                                          \
  X(TF_Session*, TF_NewSession, (TF_Graph*, const TF_SessionOptions*, TF_Status*))                                \
  X(void, TF_CloseSession, (TF_Session*, TF_Status*))                                                             \
  X(void, TF_DeleteSession, (TF_Session*, TF_Status*))                                                            \
  X(void, TF_SessionRun,                                                                                          \
    (TF_Session*, const TF_Buffer*, const TF_Output*, TF_Tensor* const*, int, const TF_Output*, TF_Tensor**, int, \
     const TF_Operation* const*, int, TF_Buffer*, TF_Status*))                                                    \
  X(void, TF_SetStatus, (TF_Status*, TF_Code, const char*))                                                       \
  X(TF_OpDefinitionBuilder*, TF_NewOpDefinitionBuilder, (const char*))                                            \
  X(void, TF_OpDefinitionBuilderAddAttr, (TF_OpDefinitionBuilder*, const char*))                                  \
  X(void, TF_OpDefinitionBuilderAddInput, (TF_OpDefinitionBuilder*, const char*))                                 \
  X(void, TF_OpDefinitionBuilderAddOutput, (TF_OpDefinitionBuilder*, const char*))                                \
  X(void, TF_OpDefinitionBuilderSetIsStateful, (TF_OpDefinitionBuilder*, bool))                                   \
  X(void, TF_OpDefinitionBuilderSetShapeInferenceFunction,                                                        \
    (TF_OpDefinitionBuilder*, void (*)(TF_ShapeInferenceContext*, TF_Status*)))                                   \
  X(void, TF_ShapeInferenceContextSetUnknownShape, (TF_ShapeInferenceContext*, TF_Status*))                       \
  X(void, TF_RegisterOpDefinition, (TF_OpDefinitionBuilder*, TF_Status*))                                         \
  X(TF_KernelBuilder*, TF_NewKernelBuilder,                                                                       \
    (const char*, const char*, void* (*)(TF_OpKernelConstruction*), void (*)(void*, TF_OpKernelContext*),         \
     void (*)(void*)))                                                                                            \
  X(void, TF_RegisterKernelBuilder, (const char*, TF_KernelBuilder*, TF_Status*))                                 \
  X(void, TF_OpKernelConstruction_GetAttrInt64, (TF_OpKernelConstruction*, const char*, int64_t*, TF_Status*))    \
  X(void, TF_OpKernelConstruction_Failure, (TF_OpKernelConstruction*, TF_Status*))                                \
  X(int, TF_NumInputs, (TF_OpKernelContext*))                                                                     \
  X(int, TF_NumOutputs, (TF_OpKernelContext*))                                                                    \
  X(void, TF_GetInput, (TF_OpKernelContext*, int, TF_Tensor**, TF_Status*))                                       \
  X(void, TF_SetOutput, (TF_OpKernelContext*, int, const TF_Tensor*, TF_Status*))                                 \
  X(TF_DataType, TF_ExpectedOutputDataType, (TF_OpKernelContext*, int))                                           \
  X(void, TF_OpKernelContext_Failure, (TF_OpKernelContext*, TF_Status*))

struct TfApi {
#define TFDATA_DECLARE_POINTER(ret, name, params) ret(*name) params = nullptr;
  TFDATA_TF_FUNCTIONS(TFDATA_DECLARE_POINTER)
#undef TFDATA_DECLARE_POINTER
};
